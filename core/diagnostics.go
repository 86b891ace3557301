package core

import "sync"

// Reasons a message is rejected or a state looks wrong. They share the Reason type with the button reasons:
// both are stable identifiers a page can match on.
const (
	ReasonWrongOrigin    Reason = "WRONG_ORIGIN"     // event.origin is not one of the configured origins
	ReasonWrongSource    Reason = "WRONG_SOURCE"     // event.source is not the partner window
	ReasonNotJSON        Reason = "NOT_JSON"         // the data is neither a JSON string nor a plain object
	ReasonBadShape       Reason = "BAD_SHAPE"        // JSON, but a field has the wrong type or the JSON is malformed
	ReasonTooLarge       Reason = "TOO_LARGE"        // over MaxEnvelopeBytes
	ReasonTooDeep        Reason = "TOO_DEEP"         // nested deeper than MaxDepth
	ReasonUnknownTopic   Reason = "UNKNOWN_TOPIC"    // unknown channel, topic or subtopic
	ReasonUnexpected     Reason = "UNEXPECTED"       // a valid envelope this role does not accept (a request sent to a CRM)
	ReasonUnknownRequest Reason = "UNKNOWN_REQUEST"  // a reply to a request this CRM never made, or that already ended
	ReasonStaleEvent     Reason = "STALE_EVENT"      // older than the state already held for that connection
	ReasonSequenceGap    Reason = "SEQUENCE_GAP"     // envelopes were lost; a snapshot was requested
	ReasonPeerReloaded   Reason = "PEER_RELOADED"    // the other window reloaded (new epoch)
	ReasonPeerFailed     Reason = "SOFTPHONE_FAILED" // the softphone could not start Streams (its reason is the detail)
	ReasonDrift          Reason = "BUTTONSTATES_DRIFT"
	ReasonVersion        Reason = "VERSION_MISMATCH" // the peer speaks another protocol version
	ReasonPanic          Reason = "PANIC"            // a bug, recovered; the bridge keeps working
)

// Diagnostic is one thing the page should know about: a rejected message, a drift, a recovered panic.
// Origin is the sender's origin where there is one. Detail never contains phone numbers.
type Diagnostic struct {
	Reason Reason `json:"reason"`
	Origin string `json:"origin,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Counters counts diagnostics by reason. Its zero value is ready to use; it is safe for concurrent use.
type Counters struct {
	mu sync.Mutex
	n  map[Reason]int
}

// Add counts one diagnostic of the given reason.
func (c *Counters) Add(r Reason) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[Reason]int)
	}
	c.n[r]++
}

// Snapshot returns a copy of the counts.
func (c *Counters) Snapshot() map[Reason]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[Reason]int, len(c.n))
	for r, n := range c.n {
		out[r] = n
	}
	return out
}

// MaskPhoneNumbers hides the digits of every phone number in text (a '+' followed by 6 or more digits, or
// the same inside a sip: URI) but the last two, so that debug logs and flight recordings carry no ANI or DNIS:
// "+161081111" becomes "+*******11".
func MaskPhoneNumbers(text []byte) []byte {
	out := append([]byte(nil), text...)
	for i := 0; i < len(out); i++ {
		if out[i] != '+' {
			continue
		}
		j := i + 1
		for j < len(out) && out[j] >= '0' && out[j] <= '9' {
			j++
		}
		if j-i-1 >= 6 {
			for k := i + 1; k < j-2; k++ {
				out[k] = '*'
			}
		}
		i = j - 1
	}
	return out
}

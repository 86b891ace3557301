package core

import (
	"bytes"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mailru/easyjson/jlexer"
)

// Limits on what a role accepts from another window. A real envelope is about 1.3 KB (a call event) or a
// few hundred bytes (a request); a snapshot of a conference stays under 16 KB.
const (
	// MaxEnvelopeBytes is the largest message a role decodes; larger ones are dropped unread.
	MaxEnvelopeBytes = 64 << 10
	// MaxDepth is the deepest nesting of objects and arrays a role decodes; the deepest real envelope has 5.
	MaxDepth = 8
)

// Bridge extension topics and subtopics. A peer that knows only the vendor page never sends them and may
// ignore them.
const (
	// TopicBridge carries the handshake: Hello (either side announces its epoch and version) and Snapshot
	// (the softphone's full call state, sent after a Hello or on request).
	TopicBridge      = "Bridge"
	SubtopicHello    = "Hello"
	SubtopicSnapshot = "Snapshot"
	// TopicAgent carries agent state: AgentStateChange events and SetAgentState requests.
	TopicAgent               = "Agent"
	SubtopicAgentStateChange = "AgentStateChange"
	SubtopicSetAgentState    = "SetAgentState"
)

// ProtocolVersion is the version of ctibridge's extensions this build speaks. It changes only on a breaking
// change; a peer with another non-zero version is refused with a diagnostic rather than misread.
const ProtocolVersion = 1

// DecodeEnvelope parses and validates one message: at most MaxEnvelopeBytes, nested at most MaxDepth deep,
// channel "Amazon" (for every topic, the bridge's own included), a known topic and subtopic, and every field of the right JSON
// type. Unknown fields are ignored. The error is a *DecodeError naming the rule that failed.
func DecodeEnvelope(data []byte) (Envelope, error) {
	env, message, err := parseEnvelope(data)
	if err != nil {
		return Envelope{}, err
	}
	if err := env.Validate(); err != nil {
		if de, ok := err.(*DecodeError); ok && de.Reason == ReasonVersion {
			// The routing fields are returned with the error, so that a role can tell a peer's handshake
			// (which decides versions) from any other envelope (which is only refused).
			return Envelope{Channel: env.Channel, Topic: env.Topic, Subtopic: env.Subtopic, Epoch: env.Epoch, Version: env.Version}, err
		}
		return Envelope{}, err
	}
	if env.Message != nil {
		env.rawMessage = message
	}
	return env, nil
}

// parseEnvelope applies DecodeEnvelope's limits and decodes data, without looking at the routing fields. It
// returns the text of the top-level "message" too.
func parseEnvelope(data []byte) (Envelope, []byte, error) {
	var env Envelope
	if len(data) > MaxEnvelopeBytes {
		return env, nil, &DecodeError{Reason: ReasonTooLarge, Detail: "message exceeds 64 KiB"}
	}
	if !utf8.Valid(data) { // JSON is UTF-8 (RFC 8259); invalid bytes would not survive a round trip unchanged
		return env, nil, &DecodeError{Reason: ReasonBadShape, Detail: "not valid UTF-8"}
	}
	depth, message, twice, ok := scanEnvelope(data)
	switch {
	case !ok:
		return env, nil, &DecodeError{Reason: ReasonNotJSON, Detail: "not a JSON object"}
	case depth > MaxDepth:
		return env, nil, &DecodeError{Reason: ReasonTooDeep, Detail: "nesting deeper than 8"}
	case twice:
		return env, nil, &DecodeError{Reason: ReasonBadShape, Detail: `"message" appears twice`}
	}
	// The decoded strings and the message text are views of this copy (wire.go), so that the caller may reuse
	// data and a role may keep what it decoded. It is made once the cheap checks have passed; message, a slice
	// of data, moves to the same place in the copy (its start is where its capacity says).
	owned := bytes.Clone(data)
	if message != nil {
		at := cap(data) - cap(message)
		message = owned[at : at+len(message)]
	}
	data = owned
	l := jlexer.Lexer{Data: data}
	env.UnmarshalEasyJSON(&l)
	if err := l.Error(); err != nil {
		// jlexer quotes the input around the error: mask it, it may hold a phone number.
		return Envelope{}, nil, &DecodeError{Reason: ReasonBadShape, Detail: string(MaskPhoneNumbers([]byte(err.Error())))}
	}
	return env, message, nil
}

// Validate checks the envelope's routing fields: a known channel, topic and subtopic, and a version this build
// speaks.
func (e *Envelope) Validate() error {
	if e.Version != 0 && e.Version != ProtocolVersion {
		return &DecodeError{Reason: ReasonVersion, Detail: "peer speaks protocol version " + strconv.Itoa(e.Version)}
	}
	if e.Channel != ChannelAmazon {
		return &DecodeError{Reason: ReasonUnknownTopic, Detail: "unknown channel " + quote(e.Channel)}
	}
	known := false
	switch e.Topic {
	case TopicInboundCall:
		_, isControl := ControlBySubtopic(e.Subtopic)
		known = isControl || e.Subtopic == SubtopicInboundCallStateChange
	case TopicBridge:
		known = e.Subtopic == SubtopicHello || e.Subtopic == SubtopicSnapshot
	case TopicAgent:
		known = e.Subtopic == SubtopicAgentStateChange || e.Subtopic == SubtopicSetAgentState
	}
	if !known {
		return &DecodeError{Reason: ReasonUnknownTopic, Detail: "unknown topic " + quote(e.Topic) + " / " + quote(e.Subtopic)}
	}
	if e.Message != nil {
		if c := e.Message.Call; c != nil {
			if err := c.Validate(); err != nil {
				return err
			}
		}
		for i := range e.Message.Calls {
			if err := e.Message.Calls[i].Validate(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Validate checks what a CRM relies on in a call event: the ids of the connection and contact, and a
// connection state and type Streams defines. (ButtonStates are checked while decoding.)
func (ev *CallEvent) Validate() error {
	a := &ev.ResponseActual
	bad := func(what string) error { return &DecodeError{Reason: ReasonBadShape, Detail: "call event: " + what} }
	switch {
	case a.ConnectionID == "" || a.ContactID == "":
		return bad("ResponseActual needs connectionId and contactId")
	case !knownState(a.Status) || (a.PreviousStatus != "" && !knownState(a.PreviousStatus)):
		return bad("unknown connection status " + quote(string(a.Status)))
	case !knownType(a.Type):
		return bad("unknown connection type " + quote(string(a.Type)))
	}
	return nil
}

// The connection states and types Streams defines.
var (
	connectionStates = []ConnectionState{ConnInit, ConnConnecting, ConnConnected, ConnHold, ConnDisconnected, ConnSilentMonitor, ConnBarge}
	connectionTypes  = []ConnectionType{ConnAgent, ConnInbound, ConnOutbound, ConnMonitoring}
)

func knownState(s ConnectionState) bool { return slices.Contains(connectionStates, s) }

func knownType(t ConnectionType) bool { return slices.Contains(connectionTypes, t) }

// scanEnvelope walks data once, without parsing it: it returns the deepest nesting of objects and arrays,
// whether data starts (after white space) with '{', and the text of the top-level "message" value, which a CRM
// hands its callbacks as it came instead of encoding it again (twice is true if "message" appears twice: the
// decoder would merge the two, JSON.parse keep the last). It stops counting past MaxDepth, so that 10,000-deep
// input costs no more than its length. String contents are skipped with bytes.IndexByte, which is far faster
// than a loop over each byte in WebAssembly.
func scanEnvelope(data []byte) (deepest int, message []byte, twice, ok bool) {
	i := 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i == len(data) || data[i] != '{' {
		return 0, nil, false, false
	}
	depth := 0
	key := false     // the last string at depth 1 was "message"
	valueStart := -1 // where the "message" value starts, while it is being walked
	for ; i < len(data); i++ {
		c := data[i]
		if !structural[c] {
			continue // most bytes outside strings: white space, digits, literals
		}
		switch c {
		case '"':
			end := closingQuote(data, i+1)
			if end < 0 {
				return deepest, nil, false, true // unterminated: the decoder reports it
			}
			key = depth == 1 && string(data[i+1:end]) == "message"
			i = end
		case ':':
			if key && depth == 1 {
				twice = twice || message != nil
				valueStart = i + 1
			}
			key = false
		case '{', '[':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > MaxDepth {
					return deepest, nil, false, true
				}
			}
		case '}', ']':
			if depth == 1 && valueStart >= 0 {
				message, valueStart = trimSpace(data[valueStart:i]), -1
			}
			depth--
		case ',':
			if depth == 1 && valueStart >= 0 {
				message, valueStart = trimSpace(data[valueStart:i]), -1
			}
		}
	}
	return deepest, message, twice, true
}

// structural marks the bytes scanEnvelope acts on outside strings.
var structural = [256]bool{'"': true, ':': true, ',': true, '{': true, '[': true, '}': true, ']': true}

// closingQuote returns the index of the quote that ends the string whose contents start at from, or -1.
func closingQuote(data []byte, from int) int {
	for {
		q := bytes.IndexByte(data[from:], '"')
		if q < 0 {
			return -1
		}
		at := from + q
		backslashes := 0
		for j := at - 1; j >= from && data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return at
		}
		from = at + 1
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// trimSpace drops JSON white space at both ends; bytes.TrimSpace, which also handles Unicode spaces JSON does
// not allow, adds 1.4 KB to the module.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

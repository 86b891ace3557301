package core

// DataKind is what the adapter found in a "message" event's data before reading it: JSON text (a string, or a
// plain object the adapter serialised), or something that cannot be an envelope. The loader's constants for
// these values (fastPath in web/ctibridge.js) are generated from them (wasm/format_test.go, make generate).
type DataKind int32

// The kinds of data. DataOtherType + i is a value of the JavaScript type OtherTypes[i].
const (
	DataString         DataKind = iota // a string: the JSON text itself
	DataObject                         // a plain object, handed over as its JSON
	DataTooLarge                       // a string or an object over MaxEnvelopeBytes, not copied
	DataNotPlain                       // an object that is not a plain object: an array, binary data, a Map...
	DataUnserialisable                 // a plain object JSON.stringify throws on
	DataOtherType                      // DataOtherType + i: a value of type OtherTypes[i]
)

// OtherTypes are the JavaScript types (typeof, and null) of data that is neither a string nor an object, in the
// order the loader numbers them.
var OtherTypes = [...]string{"undefined", "boolean", "number", "bigint", "symbol", "function", "null"}

// Rejection returns why data of this kind is not an envelope, or "" for JSON text.
func (k DataKind) Rejection() (Reason, string) {
	switch {
	case k == DataString || k == DataObject:
		return "", ""
	case k == DataTooLarge:
		return ReasonTooLarge, "message exceeds 64 KiB"
	case k == DataNotPlain:
		return ReasonNotJSON, "an object that is not a plain object"
	case k == DataUnserialisable:
		return ReasonNotJSON, "an object JSON.stringify cannot serialise"
	case k >= DataOtherType && int(k-DataOtherType) < len(OtherTypes):
		return ReasonNotJSON, "data of type " + OtherTypes[k-DataOtherType]
	}
	return ReasonNotJSON, "data of an unknown kind"
}

// Inbound is one "message" event as the adapter reports it. Data is the JSON text for DataString and
// DataObject, and empty otherwise; a role reads it only during Gate.Receive and keeps nothing of it.
type Inbound struct {
	Origin   string // event.origin
	FromPeer bool   // event.source is the partner window (the CRM's softphone frame, the softphone's parent)
	Kind     DataKind
	Data     []byte
}

// Role is a role as the gate sees it: Reject counts a refused message and returns its diagnostic; Receive
// handles an admitted one (decoding and validating it) and returns the callbacks to call, in order.
type Role interface {
	Reject(reason Reason, origin, detail string) Delivery
	Receive(data []byte, origin string) []Delivery
}

var (
	_ Role = (*CRM)(nil)
	_ Role = (*Softphone)(nil)
)

// Gate is the admission rule both roles apply to every "message" event their window receives, before anything
// reads its data (house style 15): the sender's origin is one of those configured, the event comes from the
// partner window, and the data is JSON text. Build it with CRMGate or SoftphoneGate.
type Gate struct {
	origins     Origins
	wrongOrigin string // the detail of a WRONG_ORIGIN diagnostic
	wrongSource string // the detail of a WRONG_SOURCE diagnostic
	ignore      string // an origin whose traffic (not from the partner) is not the role's to judge, or ""
}

// CRMGate admits what the softphone's window posts from softphoneOrigin.
func CRMGate(softphoneOrigin string) *Gate {
	return &Gate{origins: Origins{softphoneOrigin}, wrongOrigin: "expected " + softphoneOrigin,
		wrongSource: "not the softphone's window"}
}

// SoftphoneGate admits what the parent window posts from one of crmOrigins. Messages from ccpOrigin (Streams'
// own traffic with the CCP iframe, which arrives on the softphone's window often) are left alone unless they
// come from the parent: the gate neither reads nor reports them. ccpOrigin "" leaves nothing alone.
func SoftphoneGate(crmOrigins Origins, ccpOrigin string) *Gate {
	return &Gate{origins: crmOrigins, wrongOrigin: "not in crmOrigins", wrongSource: "not the parent window",
		ignore: ccpOrigin}
}

// Wants reports whether a message from origin is the role's business at all. The adapter asks before it
// copies the data, so origin may be a view of the adapter's memory: it is compared in place, not kept.
func (g *Gate) Wants(origin []byte, fromPeer bool) bool {
	return fromPeer || g.ignore == "" || string(origin) != g.ignore
}

// Receive passes one message to role: one that fails the gate yields only role's diagnostic of why; one that
// passes is handed to admitted (which may record it; nil skips that) and then to role.Receive. Nothing about
// the message reaches role's state before it has passed.
func (g *Gate) Receive(role Role, m Inbound, admitted func(data []byte)) []Delivery {
	switch {
	case !g.origins.Match(m.Origin):
		return []Delivery{role.Reject(ReasonWrongOrigin, m.Origin, g.wrongOrigin)}
	case !m.FromPeer:
		return []Delivery{role.Reject(ReasonWrongSource, m.Origin, g.wrongSource)}
	}
	if reason, detail := m.Kind.Rejection(); reason != "" {
		return []Delivery{role.Reject(reason, m.Origin, detail)}
	}
	if admitted != nil {
		admitted(m.Data)
	}
	return role.Receive(m.Data, m.Origin)
}

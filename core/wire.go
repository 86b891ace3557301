package core

// easyjson's generated code imports its root package only for a compile-time assertion; that import drags
// net/http and crypto/tls into the wasm (+1.6 MB raw, +366 KB brotli, +60 ms cold start, notes/performance.md),
// so generation deletes it. The codecs use only jlexer and jwriter, and jwriter is core/jwriter, easyjson's
// without its one use of net (35 KB brotli). easyjson compiles core with stubs that take easyjson's own writer,
// next to the codecs it generated before: the build tag it runs under makes core/jwriter an alias of easyjson's
// for that compilation (core/jwriter/bootstrap.go).
//
// Generation also makes every decoded string a view of the input instead of a copy (what easyjson's "nocopy"
// tag does for one field, for all of them). The decoders' callers, DecodeEnvelope and Observe, give the lexer
// their own copy of the message, which nothing writes to afterwards: one allocation per message instead of
// one per string (a call event: 6 allocations instead of 28).
//
// The rewrites are scripts/easyjsonpost's, which every generated file names in its header. A new easyjson file
// goes on both lines: its source on the first, its _easyjson.go on the second.
//go:generate env "GOFLAGS=$GOFLAGS -tags=ctibridge_easyjson_bootstrap" go tool easyjson -no_std_marshalers wire.go streams.go vendor.go
//go:generate go run github.com/ctibridge/ctibridge/scripts/easyjsonpost wire_easyjson.go streams_easyjson.go vendor_easyjson.go

// Wire constants, verbatim from the vendor's Answer Call page (spec/answer-call.txt) and product contract.
const (
	ChannelAmazon    = "Amazon"
	TopicInboundCall = "InboundCall"
	// SubtopicInboundCallStateChange is the subtopic of every call event the softphone posts.
	SubtopicInboundCallStateChange = "InboundCallStateChange"
	// SourceEvent is message.source of every envelope the softphone posts.
	SourceEvent = "event"
	// ResponseTextSuccess and ResponseTypeSuccess are the fixed ResponseText and ResponseType of a call event.
	ResponseTextSuccess = "Success"
	ResponseTypeSuccess = 0
)

// Envelope is one window.postMessage message in either direction: a request (CRM → softphone, Source set,
// Message nil), a call event or an error reply (softphone → CRM, Message set).
//
// RequestID, Epoch, Seq and Version are ctibridge's optional extensions: a peer that knows only the vendor page
// never sends them and ignores them, and every envelope without them is still valid.
//
//easyjson:json
type Envelope struct {
	Channel  string `json:"channel"`
	Topic    string `json:"topic"`
	Subtopic string `json:"subtopic"`
	Source   string `json:"source,omitempty"`
	// Data is a request's argument as the vendor's pages send it: a bare JSON string (a connection id, a phone
	// number, digits) or an object (SetNotReady's {ReasonCodeId}, UpdateState's {label, code, type}, an
	// endpoint). It is kept as text; VendorRequest.Data names the shape each request takes and the Data* accessors
	// (requests.go) read and check it.
	Data    RawJSON  `json:"data,omitempty"`
	Message *Message `json:"message,omitempty"`
	// RequestID is chosen by the CRM for each request; the softphone echoes it on the error reply and on the
	// event that completes the request, so that concurrent requests, tabs and late replies cannot be confused.
	RequestID string `json:"requestId,omitempty"`
	// Epoch identifies one life of the sending window; it changes when the window reloads.
	Epoch string `json:"epoch,omitempty"`
	// Seq numbers the softphone's envelopes within an epoch from 1, so that the CRM detects a gap.
	Seq uint64 `json:"seq,omitempty"`
	// Version is the ctibridge protocol version of the sender (ProtocolVersion); 0 means a vendor-page peer.
	Version int `json:"v,omitempty"`
	// Args carries a request's arguments (digits, a number to consult, a connection to act on, an agent state).
	// It is ctibridge's own dialect, which the roles still send and read until they speak the vendor's Data.
	Args *RequestArgs `json:"args,omitempty"`

	// rawMessage is the text of "message" as DecodeEnvelope read it, a slice of its input.
	rawMessage []byte
}

// RequestArgs are the arguments of the requests that take any.
//
//easyjson:json
type RequestArgs struct {
	ConnectionID string `json:"connectionId,omitempty"`
	Digits       string `json:"digits,omitempty"`
	PhoneNumber  string `json:"phoneNumber,omitempty"`
	QuickConnect string `json:"quickConnect,omitempty"`
	AgentState   string `json:"agentState,omitempty"`
}

// Message is an envelope's "message": a call event (Call) or an error reply (Error), or, for the bridge's
// own subtopics, an agent state or a full snapshot.
//
//easyjson:json
type Message struct {
	Call   *CallEvent `json:"call,omitempty"`
	Source string     `json:"source,omitempty"`
	Error  *WireError `json:"error,omitempty"`
	// Agent is the agent's state on AgentStateChange envelopes, with label, code and type as the vendor page's
	// Message Parameters table describes.
	Agent *AgentStateMessage `json:"agent,omitempty"`
	// Calls is the full state on Snapshot envelopes: one call event per connection of the current contact.
	Calls []CallEvent `json:"calls,omitempty"`

	// What a CRM reads of the vendor's agent messages (vendor.go has their whole shapes, which a softphone
	// writes): SetAgentState's event and data; LoginSuccess', LogoutSuccess' and Agent/StateSync's loginState,
	// agentInfo.muted and agentState. Decoding them here, with the envelope, costs the module far less than
	// decoding each message again into its own type.
	InitState  InitState        `json:"initState,omitempty"` // App/StateSync's
	Event      string           `json:"event,omitempty"`
	AgentData  *AgentEventData  `json:"data,omitempty"`
	LoginState LoginState       `json:"loginState,omitempty"`
	AgentInfo  *AgentMuted      `json:"agentInfo,omitempty"`
	AgentState *AgentStateBrief `json:"agentState,omitempty"`
}

// AgentEventData is what a CRM reads of SetAgentState's data.
//
//easyjson:json
type AgentEventData struct {
	Muted      bool           `json:"muted"`
	State      string         `json:"state"`
	Type       AgentStateType `json:"type"`
	ReasonCode *ReasonCode    `json:"reasonCode,omitempty"`
}

// AgentMuted is what a CRM reads of agentInfo.
//
//easyjson:json
type AgentMuted struct {
	Muted bool `json:"muted"`
}

// AgentStateBrief is what a CRM reads of agentState.
//
//easyjson:json
type AgentStateBrief struct {
	Type AgentStateType `json:"type"`
	Name string         `json:"name"`
}

// WireError is the "error" of an error reply, as in the vendor page's Possible Error Cases table.
//
//easyjson:json
type WireError struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Cause is a ctibridge extension: a machine-readable category (see Cause).
	Cause string `json:"cause,omitempty"`
}

// AgentStateMessage is an agent state as the vendor page's Message Parameters table describes it.
//
//easyjson:json
type AgentStateMessage struct {
	Label string `json:"label"`
	Code  string `json:"code"`
	Type  string `json:"type"`
}

// CallEvent is message.call of an InboundCallStateChange envelope, field for field as in the vendor sample.
//
//easyjson:json
type CallEvent struct {
	ButtonStates          ButtonStates   `json:"ButtonStates"`
	ActionsAllowed        RawJSON        `json:"ActionsAllowed"`
	ResponseType          int            `json:"ResponseType"`
	ResponseText          string         `json:"ResponseText"`
	ResponseActual        ResponseActual `json:"ResponseActual"`
	CallVariables         CallVariables  `json:"CallVariables"`
	ExtendedCallVariables RawJSON        `json:"ExtendedCallVariables"`
	ResponseFields        ResponseFields `json:"ResponseFields"`
	ID                    string         `json:"id"`
	Event                 string         `json:"event"`
	CallType              string         `json:"CallType"`
}

// ResponseActual is the connection whose state changed.
//
//easyjson:json
type ResponseActual struct {
	ConnectionID    string          `json:"connectionId"`
	ContactID       string          `json:"contactId"`
	PhoneNumber     *string         `json:"phoneNumber"`
	Status          ConnectionState `json:"status"`
	StatusTimestamp string          `json:"statusTimestamp"`
	Type            ConnectionType  `json:"type"`
	ButtonFlags     ButtonFlags     `json:"buttonStates"`
	// PreviousStatus is left out when there is none, as in the vendor's incoming-call sample (the softphone
	// names "init" for a leg it sees for the first time, so its events always carry one).
	PreviousStatus ConnectionState `json:"previousStatus,omitempty"`
}

// CallVariables carry the customer's number (ANI) and the number dialled (DNIS).
//
//easyjson:json
type CallVariables struct {
	ANI  *string `json:"ANI"`
	DNIS *string `json:"DNIS"`
}

// ResponseFields describe the call around the connection.
//
//easyjson:json
type ResponseFields struct {
	Participants     []Participant   `json:"Participants"`
	MediaProperties  MediaProperties `json:"MediaProperties"`
	FromAddress      RawJSON         `json:"fromAddress"`
	CallState        ConnectionState `json:"CallState"`
	Type             ConnectionType  `json:"Type"`
	CurrentStateTime string          `json:"CurrentStateTime"`
	Campaign         string          `json:"Campaign"`
	DN               string          `json:"DN"`
}

// Participant is a third party on the call (a consult or conference leg); the customer and the agent are not
// listed, which is why a two-party call has an empty list, as in the vendor sample.
//
//easyjson:json
type Participant struct {
	ConnectionID string          `json:"connectionId"`
	Type         ConnectionType  `json:"type"`
	Status       ConnectionState `json:"status"`
	PhoneNumber  *string         `json:"phoneNumber"`
}

// MediaProperties describe the queue the call came from.
//
//easyjson:json
type MediaProperties struct {
	CallType       ConnectionType `json:"callType"`
	QueueName      string         `json:"queueName"`
	QueueTimestamp *string        `json:"queueTimestamp"`
}

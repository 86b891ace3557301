package core

import (
	"errors"
	"strconv"

	"github.com/mailru/easyjson/jlexer"
)

// DataShape is what a request's "data" must be. Each shape but DataNone has the Envelope accessor of its name,
// which reads and checks it (DataConnection, DataDigits, DataTarget, DataReasonCode, DataAgentState).
type DataShape uint8

// DataShape values.
const (
	DataNone       DataShape = iota // no data (any sent is ignored)
	DataConnection                  // a string: a connection id (the agent's, a party's) or the contact id
	DataDigits                      // a string of DTMF digits, 0-9 * # and the comma (a pause)
	DataTarget                      // an E.164 string, or an endpoint object (a quick connect)
	DataReasonCode                  // {ReasonCodeId}: the name of a not-routable agent state
	DataAgentState                  // {label, code, type} of the target agent state
)

// ErrorKind is an error type and message of the vendor's error envelope.
type ErrorKind struct {
	Type    string // e.g. "HOLD_CALL_FAILED"
	Message string // e.g. "Call hold failed."
}

// Fail returns the Error of this kind with the given cause and code.
func (k ErrorKind) Fail(cause Cause, code string) *Error {
	return &Error{Type: k.Type, Code: code, Message: k.Message, Cause: cause}
}

// Errors the vendor's pages publish besides each request's own.
var (
	// ErrKindAgentStateNotFound answers SetNotReady and UpdateState naming a state the instance does not have.
	ErrKindAgentStateNotFound = ErrorKind{"AGENT_STATE_NOT_FOUND", "Specified Agent State not found."}
	// ErrKindOutboundUnsupported answers every OutboundCall request: the vendor's campaign dialer needs its own
	// server, which ctibridge does not replace (spec/vendor-api.md, "Topic OutboundCall").
	ErrKindOutboundUnsupported = ErrorKind{"OUTBOUND_CAMPAIGN_UNSUPPORTED",
		"The campaign dialer (topic OutboundCall) is not part of ctibridge: dial out with InboundCall/SetMakeCall."}
)

// VendorRequest is one request of the vendor's topics App, Agent and InboundCall: how it is spelt, the data it
// takes, the event that answers it and the error that refuses it. Requests is the source of truth for what the
// roles send and accept (spec/vendor-api.md).
type VendorRequest struct {
	Topic    string
	Subtopic string // the spelling ctibridge sends
	Alias    string // another spelling the vendor's pages use, accepted too ("" if none)
	Data     DataShape
	Reply    string // the subtopic of the event that answers it (its topic is the request's)
	// Err is the request's error type and message; the zero ErrorKind for the requests that are answered with
	// the state as it is and never fail (StateSync, GetAgentState).
	Err ErrorKind
	// Published is false for ctibridge's extensions, the requests the vendor has no page for (Reject, Consult,
	// Swap, Transfer, Conference, Unmute), which a vendor peer may not know. Where a page publishes no error
	// (Login, Logout, Mute, ClearContact, Blindtransfer's message), Err is ours, in the pattern of the others.
	Published bool
	// CallButton is the call button that must be Enable for the request, ButtonCount if none; AgentButton the
	// agent button, AgentButtonCount if none.
	CallButton  Button
	AgentButton AgentButton
}

// noCallButton and noAgentButton mark a request that no button of that table gates.
const (
	noCallButton  = ButtonCount
	noAgentButton = AgentButtonCount
)

// Requests lists every request of the topics App, Agent and InboundCall, in the order of spec/vendor-api.md,
// ctibridge's extensions last. It is an array, so that looking a request up allocates nothing.
//
// The softphone answers every request below (Softphone.Receive falls back to DecodeRequest for those
// Envelope.Validate does not know); the CRM sends each in this shape, the call controls included (Controls).
func Requests() [23]VendorRequest {
	const app, agent, call = TopicApp, TopicAgent, TopicInboundCall
	const change, setState = SubtopicInboundCallStateChange, SubtopicSetAgentState
	agentStateFailed := ErrorKind{"UPDATE_AGENT_STATE_FAILED", "Agent state change failed."}
	return [...]VendorRequest{
		{app, SubtopicStateSync, "", DataNone, SubtopicStateSync, ErrorKind{}, true, noCallButton, noAgentButton},

		{agent, "Login", "", DataNone, SubtopicLoginSuccess, ErrorKind{"LOGIN_FAILED", "Agent login failed."}, true, noCallButton, noAgentButton},
		{agent, "Logout", "", DataNone, SubtopicLogoutSuccess, ErrorKind{"LOGOUT_FAILED", "Agent logout failed."}, true, noCallButton, noAgentButton},
		{agent, SubtopicStateSync, "", DataNone, SubtopicStateSync, ErrorKind{}, true, noCallButton, noAgentButton},
		{agent, "SetNotReady", "", DataReasonCode, setState, agentStateFailed, true, noCallButton, NotReadyButton},
		// UpdateState's button depends on its data: Ready for a routable target, NotReady for another.
		{agent, "UpdateState", "Update", DataAgentState, setState, agentStateFailed, true, noCallButton, noAgentButton},
		{agent, "GetAgentState", "GetStates", DataNone, setState, ErrorKind{}, true, noCallButton, noAgentButton},
		{agent, "Mute", "", DataNone, setState, ErrorKind{"MUTE_FAILED", "Mute failed."}, true, noCallButton, MuteButton},
		{agent, "Unmute", "", DataNone, setState, ErrorKind{"UNMUTE_FAILED", "Unmute failed."}, false, noCallButton, UnmuteButton},

		{call, "Answer", "", DataNone, change, ErrorKind{"ANSWER_CALL_FAILED", "Answering call failed."}, true, Answer, noAgentButton},
		{call, "Hold", "", DataConnection, change, ErrorKind{"HOLD_CALL_FAILED", "Call hold failed."}, true, Hold, noAgentButton},
		{call, "Resume", "", DataConnection, change, ErrorKind{"RESUME_CALL_FAILED", "Resuming call failed."}, true, Resume, noAgentButton},
		{call, "Disconnect", "", DataConnection, change, ErrorKind{"DISCONNECT_CALL_FAILED", "Disconnecting call failed."}, true, Disconnect, noAgentButton},
		{call, "ClearContact", "", DataNone, change, ErrorKind{"CLEAR_CONTACT_FAILED", "Clearing contact failed."}, true, ClearContact, noAgentButton},
		{call, "SetMakeCall", "", DataTarget, change, ErrorKind{"MAKE_CALL_FAILED", "Make call failed."}, true, noCallButton, MakeCallButton},
		{call, "SendDTMF", "", DataDigits, change, ErrorKind{"SEND_DTMF_FAILED", "Failed to send DTMF."}, true, Numberpad, noAgentButton},
		// No button of either table gates a blind transfer: the softphone checks that the agent is on a call.
		{call, "Blindtransfer", "", DataTarget, change, ErrorKind{"BLIND_TRANSFER_FAILED", "Blind transfer failed."}, true, noCallButton, noAgentButton},
		{call, SubtopicStateSync, "", DataNone, SubtopicStateSync, ErrorKind{}, true, noCallButton, noAgentButton},

		{call, "Reject", "", DataNone, change, ErrorKind{"REJECT_CALL_FAILED", "Rejecting call failed."}, false, Reject, noAgentButton},
		{call, "Consult", "", DataTarget, change, ErrorKind{"CONSULT_FAILED", "Consulting failed."}, false, Consult, noAgentButton},
		{call, "Swap", "", DataNone, change, ErrorKind{"SWAP_FAILED", "Swapping calls failed."}, false, Swap, noAgentButton},
		{call, "Transfer", "", DataNone, change, ErrorKind{"TRANSFER_FAILED", "Transferring call failed."}, false, Transfer, noAgentButton},
		{call, "Conference", "", DataNone, change, ErrorKind{"CONFERENCE_FAILED", "Conferencing failed."}, false, Conference, noAgentButton},
	}
}

// LookupRequest returns the request with the given topic and subtopic, in either of its spellings. Any subtopic
// of topic OutboundCall is found too, as a request whose Err is ErrKindOutboundUnsupported and that nothing
// carries out: the softphone answers it with that error.
func LookupRequest(topic, subtopic string) (VendorRequest, bool) {
	if topic == TopicOutboundCall {
		return VendorRequest{Topic: topic, Subtopic: subtopic, Err: ErrKindOutboundUnsupported, Published: true,
			CallButton: noCallButton, AgentButton: noAgentButton}, subtopic != ""
	}
	for _, r := range Requests() {
		if r.Topic == topic && (r.Subtopic == subtopic || (r.Alias != "" && r.Alias == subtopic)) {
			return r, true
		}
	}
	return VendorRequest{}, false
}

// DecodeRequest parses one request of the vendor's pages as DecodeEnvelope parses any envelope (the same limits,
// the same copy), and finds it in Requests (LookupRequest): a known channel, topic and subtopic in either
// spelling, a version this build speaks, and no message. Its data is not checked here: the request's accessor
// does, so that a request with bad data is answered with the request's own error. The error is a *DecodeError.
func DecodeRequest(data []byte) (Envelope, VendorRequest, error) {
	env, _, err := parseEnvelope(data)
	if err != nil {
		return Envelope{}, VendorRequest{}, err
	}
	if env.Version != 0 && env.Version != ProtocolVersion {
		return Envelope{}, VendorRequest{}, &DecodeError{Reason: ReasonVersion, Detail: "peer speaks protocol version " + strconv.Itoa(env.Version)}
	}
	if env.Channel != ChannelAmazon {
		return Envelope{}, VendorRequest{}, &DecodeError{Reason: ReasonUnknownTopic, Detail: "unknown channel " + quote(env.Channel)}
	}
	req, ok := LookupRequest(env.Topic, env.Subtopic)
	if !ok {
		return Envelope{}, VendorRequest{}, &DecodeError{Reason: ReasonUnknownTopic, Detail: "unknown request " + quote(env.Topic) + " / " + quote(env.Subtopic)}
	}
	if env.Message != nil {
		return Envelope{}, VendorRequest{}, &DecodeError{Reason: ReasonUnexpected, Detail: "a request carries no message"}
	}
	return env, req, nil
}

// DataProblem is what is wrong with a request's data.
type DataProblem uint8

// DataProblem values.
const (
	DataMissing   DataProblem = iota + 1 // absent or null
	DataWrongType                        // a JSON type the request does not take (an object for a string...)
	DataInvalid                          // the right type, but not a value the request can act on
)

// DataError is a request's data that its shape (VendorRequest.Data) refuses. Detail says what was expected, in the
// words of the vendor's pages; it never contains the data itself (it may be a phone number).
type DataError struct {
	Subtopic string
	Problem  DataProblem
	Detail   string
}

func (e *DataError) Error() string {
	what := "invalid"
	switch e.Problem {
	case DataMissing:
		what = "missing"
	case DataWrongType:
		what = "of the wrong type"
	}
	return "data of " + e.Subtopic + " is " + what + ": " + e.Detail
}

// Fail returns the request's error for a refused request (ErrorKind.Refuse).
func (r VendorRequest) Fail(err error) *Error { return r.Err.Refuse(err) }

// Failed returns the error of this kind for a request whose Streams action failed with err: Amazon Connect's
// message, or the cause and code of an *Error the adapter reports (CauseInternal when the adapter itself failed).
func (k ErrorKind) Failed(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return k.Fail(e.Cause, e.Code)
	}
	return k.Fail(CauseAmazon, err.Error())
}

// Refuse returns the error of this kind for a refused request: cause INVALID_ARGUMENT for a *DataError (the code
// says what was wrong), else the cause and text of err.
func (k ErrorKind) Refuse(err error) *Error {
	if de, ok := errors.AsType[*DataError](err); ok {
		return k.Fail(CauseInvalidArgument, "The data "+de.Detail+".")
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return k.Fail(e.Cause, e.Code)
	}
	return k.Fail(CauseInternal, err.Error())
}

func (e *Envelope) dataError(p DataProblem, detail string) error {
	return &DataError{Subtopic: e.Subtopic, Problem: p, Detail: detail}
}

// dataKind returns the first byte of data's value: '"', '{', '[', 'n', 't', 'f', a digit or '-'; 0 if none.
func (e *Envelope) dataKind() byte {
	d := trimSpace(e.Data)
	if len(d) == 0 || string(d) == "null" {
		return 0
	}
	return d[0]
}

// DataString returns data as a bare JSON string: a *DataError if it is missing, of another type or empty.
func (e *Envelope) DataString(want string) (string, error) {
	switch e.dataKind() {
	case 0:
		return "", e.dataError(DataMissing, "must be "+want)
	case '"':
	default:
		return "", e.dataError(DataWrongType, "must be "+want+", a string")
	}
	l := jlexer.Lexer{Data: e.Data}
	s := l.String()
	if err := l.Error(); err != nil {
		return "", e.dataError(DataWrongType, "must be "+want+", a string")
	}
	if s == "" {
		return "", e.dataError(DataInvalid, "must be "+want+", not empty")
	}
	return s, nil
}

// DataConnection returns the connection or contact id a Hold, Resume or Disconnect names.
func (e *Envelope) DataConnection() (string, error) {
	return e.DataString("a connection id")
}

// DataDigits returns the digits of a SendDTMF: 1 to 64 of 0-9 * # and the comma (ValidDigits).
func (e *Envelope) DataDigits() (string, error) {
	d, err := e.DataString("the digits to send")
	if err == nil && !ValidDigits(d) {
		return "", e.dataError(DataInvalid, "must be 1 to 64 of 0-9 * # and the comma")
	}
	return d, err
}

// DataReasonCode returns the not-ready state a SetNotReady names: data {ReasonCodeId}.
func (e *Envelope) DataReasonCode() (string, error) {
	const want = `{"ReasonCodeId": the name of a not-routable agent state}`
	var d NotReadyData
	if err := e.dataObject(d.UnmarshalEasyJSON, want); err != nil {
		return "", err
	}
	if d.ReasonCodeID == "" {
		return "", e.dataError(DataInvalid, "must be "+want+" with a name")
	}
	return d.ReasonCodeID, nil
}

// DataAgentState returns the target state of an UpdateState: data {label, code, type}, with a code or a label.
func (e *Envelope) DataAgentState() (AgentStateMessage, error) {
	const want = `{"label", "code", "type"} of an agent state`
	var d AgentStateMessage
	if err := e.dataObject(d.UnmarshalEasyJSON, want); err != nil {
		return d, err
	}
	if d.Code == "" && d.Label == "" {
		return d, e.dataError(DataInvalid, "must be "+want+" with a code or a label")
	}
	return d, nil
}

// Endpoint is a quick connect (or any Streams endpoint) a request names: what agent.connect and
// contact.addConnection take.
type Endpoint struct {
	ARN, ID, Type, Name, PhoneNumber, AgentLogin, Queue string
}

// Target is where a SetMakeCall, Consult or Blindtransfer goes: a phone number or an endpoint.
type Target struct {
	PhoneNumber string    // E.164, when data is a string
	Endpoint    *Endpoint // when data is an object
}

// aim points a dialling action at t: its number, its endpoint, or, for an endpoint named only by its name, the
// quick connect of that name.
func (t Target) aim(a Action) Action {
	switch e := t.Endpoint; {
	case e != nil && e.ARN == "" && e.ID == "":
		a.QuickConnect = e.Name
	default:
		a.PhoneNumber, a.Endpoint = t.PhoneNumber, e
	}
	return a
}

// DataTarget returns the number or endpoint a SetMakeCall, Consult or Blindtransfer names: an E.164 string,
// or an endpoint object with endpointARN or endpointId (either spelling of the vendor's pages), or with only the
// name of one of the agent's quick connects, which the softphone looks up (ctibridge's CRM sends that for
// consult's quickConnect).
func (e *Envelope) DataTarget() (Target, error) {
	const want = "an E.164 phone number such as +15555550100, or an endpoint object with endpointARN, endpointId or the name of a quick connect"
	if e.dataKind() == '{' {
		var d EndpointData
		if err := e.dataObject(d.UnmarshalEasyJSON, want); err != nil {
			return Target{}, err
		}
		ep := Endpoint{ARN: either(d.EndpointARN, d.EndpointARNUpper), ID: d.EndpointID, Type: either(d.Type, d.TypeUpper),
			Name: either(d.Name, d.NameUpper), PhoneNumber: either(d.PhoneNumber, d.PhoneNumberLower), AgentLogin: d.AgentLogin,
			Queue: d.Queue}
		if ep.ARN == "" && ep.ID == "" && ep.Name == "" {
			return Target{}, e.dataError(DataInvalid, "must be "+want)
		}
		return Target{Endpoint: &ep}, nil
	}
	n, err := e.DataString(want)
	if err != nil {
		return Target{}, err
	}
	if !ValidPhoneNumber(n) {
		return Target{}, e.dataError(DataInvalid, "must be "+want)
	}
	return Target{PhoneNumber: n}, nil
}

// either returns a, or b if a is empty: a key the vendor's pages spell two ways.
func either(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// dataObject decodes data, which must be an object, with decode (a value's UnmarshalEasyJSON). A method value
// rather than an interface: an interface call would keep every codec type's UnmarshalEasyJSON in the module.
func (e *Envelope) dataObject(decode func(*jlexer.Lexer), want string) error {
	switch e.dataKind() {
	case 0:
		return e.dataError(DataMissing, "must be "+want)
	case '{':
	default:
		return e.dataError(DataWrongType, "must be "+want)
	}
	l := jlexer.Lexer{Data: e.Data}
	decode(&l)
	if l.Error() != nil {
		return e.dataError(DataWrongType, "must be "+want+" (a field has the wrong type)")
	}
	return nil
}

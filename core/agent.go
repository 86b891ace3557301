package core

import "github.com/ctibridge/ctibridge/core/jwriter"

// AgentProfile is who the agent is, from Streams' agent configuration (StreamsConfiguration.Profile).
type AgentProfile struct {
	Name      string
	ID        string // the last part of the agent's ARN
	Extension string // "" for a softphone agent
	LoginName string // configuration.username
	// SoftphoneEnabled is false for a deskphone agent.
	SoftphoneEnabled bool
}

// AgentState is the agent's state as the vendor's agent messages report it (StreamsSnapshot.AgentState).
type AgentState struct {
	ARN   string // "" where Streams gives null
	Name  string // e.g. "Available", "Busy", a not-ready reason
	Type  AgentStateType
	Since int64 // the state's start, milliseconds since the epoch; 0 when Streams gives none
}

// AgentStatus is everything the vendor's agent messages report: the softphone builds it from Streams' agent
// snapshot and configuration, its login state and Streams' mute events.
type AgentStatus struct {
	Login   LoginState
	Profile *AgentProfile // nil until Streams' configuration is known
	State   *AgentState   // nil until the first snapshot
	Muted   bool
	Call    AgentCall
}

// Buttons returns the agent's five buttons (DecideAgent); a state not known yet is STATE_PENDING.
func (a *AgentStatus) Buttons() AgentDecision {
	var t AgentStateType
	if a.State != nil {
		t = a.State.Type
	}
	return DecideAgent(a.Login, t, a.Muted, a.Call)
}

// The vendor's words for a state's type in SetAgentState's data.state.
const (
	AgentDataReady    = "Ready"     // a routable state
	AgentDataNotReady = "Not_Ready" // a not-routable, system or error state; reasonCode names it
	AgentDataOffline  = "Offline"
)

func (a *AgentStatus) wireState() *AgentStateObject {
	if a.State == nil {
		return nil
	}
	s := &AgentStateObject{ARN: nullable(a.State.ARN), Type: a.State.Type, Name: a.State.Name}
	if a.State.Since != 0 {
		ts := FormatTimestamp(a.State.Since)
		s.StartTimestamp = &ts
	}
	return s
}

// rules is the object form once the state is known, else null.
func (a *AgentStatus) rules() AgentRules {
	s := a.wireState()
	if s == nil {
		return AgentRules{Form: RulesNull}
	}
	return AgentRules{Form: RulesObject, Object: AgentRulesObject{ButtonStates: a.Buttons().States, ResponseActual: *s}}
}

func (a *AgentStatus) identity() AgentIdentity {
	id := AgentIdentity{Muted: a.Muted}
	if p := a.Profile; p != nil {
		id.Name, id.Extension, id.LoginName, id.SoftphoneEnabled = p.Name, p.Extension, p.LoginName, p.SoftphoneEnabled
	}
	return id
}

// NewAgentSync builds the message of LoginSuccess and Agent/StateSync. A logged-out agent is reported as the
// vendor's sample shows it: agentInfo and agentState null, rules "". Otherwise agentInfo is null until the
// profile is known, agentState null and rules null until the state is (the LoginSuccess sample: the session has
// started, Streams has not reported the state yet).
func NewAgentSync(a *AgentStatus) AgentSyncMessage {
	m := AgentSyncMessage{LoginState: a.Login}
	if a.Login == LoggedOut {
		m.Rules.Form = RulesEmpty
		return m
	}
	if p := a.Profile; p != nil {
		m.AgentInfo = &AgentInfo{Name: p.Name, ID: p.ID, Extension: p.Extension, LoginName: p.LoginName, Muted: a.Muted,
			SoftphoneEnabled: p.SoftphoneEnabled}
	}
	m.AgentState, m.Rules = a.wireState(), a.rules()
	return m
}

// NewLogoutMessage builds the message of LogoutSuccess from the agent as it was just before it logged out: the
// vendor's sample reports loginState LoggedOut with the agent's identity, last state and that state's buttons.
func NewLogoutMessage(last *AgentStatus) LogoutMessage {
	m := LogoutMessage{LoginState: LoggedOut, AgentState: last.wireState(), Rules: last.rules()}
	if last.Profile != nil {
		id := last.identity()
		m.AgentInfo = &id
	}
	return m
}

// NewSetAgentState builds the message of the SetAgentState event: the agent's buttons and state, data.state in
// the vendor's words (Ready, Not_Ready with the state's name as reasonCode, Offline) and event the state's name.
func NewSetAgentState(a *AgentStatus) SetAgentStateMessage {
	m := SetAgentStateMessage{Rules: a.rules(), Data: AgentData{AgentIdentity: a.identity()}, Source: SourceEvent}
	if s := a.State; s != nil {
		m.Event, m.Data.Type = s.Name, s.Type
		switch s.Type {
		case AgentTypeRoutable:
			m.Data.State = AgentDataReady
		case AgentTypeOffline:
			m.Data.State = AgentDataOffline
		default:
			m.Data.State, m.Data.ReasonCode = AgentDataNotReady, &ReasonCode{ID: s.Name}
		}
		if s.Since != 0 {
			m.Data.StateChangeTime = FormatTimestamp(s.Since)
		}
	}
	return m
}

// NewCcpAgentState builds the message of CcpAgentState.
func NewCcpAgentState(s AgentState) CcpAgentStateMessage {
	return CcpAgentStateMessage{Name: s.Name, Type: s.Type}
}

// NewCallStateSync builds the message of InboundCall/StateSync for contact (nil: no call): ANI and DNIS as
// attributes (null when unknown), then the contact's allowed attributes (but one called ANI or DNIS, which
// would repeat a name: it is in ExtendedCallVariables), the queue, and one entry per connection with its own
// ButtonStates as booleans (Decide, as each leg's event would carry them).
func NewCallStateSync(contact *Contact) CallStateSyncMessage {
	if contact == nil {
		return CallStateSyncMessage{Attributes: []Attr{}, Calls: []ResponseActual{}}
	}
	m := CallStateSyncMessage{
		Attributes: make([]Attr, 0, 2+len(contact.Attributes)),
		QueueName:  nullable(contact.QueueName),
		Calls:      make([]ResponseActual, len(contact.Connections)),
	}
	m.Attributes = append(m.Attributes, Attr{Name: "ANI", Value: nullable(contact.ANI)}, Attr{Name: "DNIS", Value: nullable(contact.DNIS)})
	for _, at := range contact.Attributes {
		if at.Name != "ANI" && at.Name != AttributeDNIS {
			m.Attributes = append(m.Attributes, at)
		}
	}
	if contact.QueueTimestamp != 0 {
		qt := FormatTimestamp(contact.QueueTimestamp)
		m.QueueTimestamp = &qt
	}
	for i := range contact.Connections {
		c := &contact.Connections[i]
		m.Calls[i] = ResponseActual{ConnectionID: c.ID, ContactID: contact.ID, PhoneNumber: nullable(c.PhoneNumber),
			Status: c.State, StatusTimestamp: FormatTimestamp(c.Since), Type: c.Type,
			ButtonFlags: ButtonFlags(Buttons(contact.Connections, i))}
	}
	return m
}

// vendorMessage is any of the vendor's message payloads (their easyjson codecs).
type vendorMessage interface{ MarshalEasyJSON(*jwriter.Writer) }

// EncodeVendor encodes env (its routing fields and ctibridge's optional extensions; its Message is ignored) with
// message as its "message": how a softphone sends the vendor's agent, App and StateSync events, whose payloads
// core.Message does not model.
func EncodeVendor(env *Envelope, message vendorMessage) []byte {
	return encodeVendor(env, message.MarshalEasyJSON)
}

// encodeVendor is EncodeVendor with the message's encoder as a method value: the module's own callers pass one,
// since a call through vendorMessage would keep every codec type's MarshalEasyJSON in the module.
func encodeVendor(env *Envelope, message func(*jwriter.Writer)) []byte {
	head := *env
	head.Message = nil
	var w jwriter.Writer
	head.MarshalEasyJSON(&w)
	b, _ := w.BuildBytes() // never fails: every codec here writes valid JSON
	w = jwriter.Writer{}
	w.Raw(b[:len(b)-1], nil) // without its closing brace
	w.RawString(`,"message":`)
	message(&w)
	w.RawByte('}')
	out, _ := w.BuildBytes()
	return out
}

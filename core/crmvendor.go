package core

import (
	"strconv"

	"github.com/mailru/easyjson/jlexer"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// Names of the deliveries of the vendor's Agent, App and InboundCall replies and events: bridge.on(subtopic, cb)
// gets each message as the softphone sent it. The three StateSync replies (App, Agent, InboundCall) share one
// name; their messages tell them apart (initState, loginState, calls).
const (
	OnSetAgentState = SubtopicSetAgentState
	OnLoginSuccess  = SubtopicLoginSuccess
	OnLogoutSuccess = SubtopicLogoutSuccess
	OnStateSync     = SubtopicStateSync
	OnCcpAgentState = SubtopicCcpAgentState
)

// outgoing is one request as the CRM sends it: the vendor's request and data. args are the control's arguments as
// the JavaScript method took them: the CRM checks them against the call it holds (Plan) and sends only data.
type outgoing struct {
	req     VendorRequest
	data    RawJSON      // the vendor's data; nil for none (a Hold without one names the agent's leg)
	args    *RequestArgs // what Plan checks; never sent
	asked   AgentStateMessage
	invalid string // why the data is refused before anything is sent ("" if it is not)
}

// Vendor returns the outgoing form of a request that is not a call control (the agent's requests, SetMakeCall,
// Blindtransfer, the StateSyncs). data must be valid JSON (a string or an object) or nil.
func Vendor(req VendorRequest, data RawJSON) *Outgoing {
	return &Outgoing{o: outgoing{req: req, data: data}}
}

// Outgoing is a request ready for CRM.Send (see Vendor and the request builders below).
type Outgoing struct{ o outgoing }

// NotReady is SetNotReady {ReasonCodeId: reason}.
func NotReady(reason string) *Outgoing {
	req, _ := LookupRequest(TopicAgent, "SetNotReady")
	d := NotReadyData{ReasonCodeID: reason}
	o := outgoing{req: req, data: marshal(d.MarshalEasyJSON), asked: AgentStateMessage{Label: reason, Code: reason}}
	if reason == "" {
		o.invalid = `The data must be {"ReasonCodeId": the name of a not-routable agent state}.`
	}
	return &Outgoing{o: o}
}

// UpdateState is UpdateState {label, code, type}.
func UpdateState(s AgentStateMessage) *Outgoing {
	req, _ := LookupRequest(TopicAgent, "UpdateState")
	o := outgoing{req: req, data: marshal(s.MarshalEasyJSON), asked: s}
	if s.Label == "" && s.Code == "" {
		o.invalid = `The data must be {"label", "code", "type"} of an agent state, with a code or a label.`
	}
	return &Outgoing{o: o}
}

// VendorControl is the Control of a vendor request made by the CRM method method: its error type and message
// are the request's (for a request the vendor publishes no error for, ours in their pattern).
func VendorControl(method string, req VendorRequest) Control {
	k := req.Err
	if k.Type == "" {
		k = ErrorKind{screamingSnake(req.Subtopic) + "_FAILED", req.Subtopic + " failed."}
	}
	return Control{Method: method, Subtopic: req.Subtopic, Button: req.CallButton, ErrorType: k.Type, ErrorMessage: k.Message}
}

// Send starts a vendor request made by the CRM method method, as Begin does for a call control: refused at once
// (nothing sent) when its call or agent button is not Enable in a state this CRM holds, or its data is invalid.
func (c *CRM) Send(method string, out *Outgoing) *Request {
	return c.begin(VendorControl(method, out.o.req), out.o)
}

// callRequest is the vendor's request of a call control (Begin): the control's subtopic, its arguments as the
// request's data. setAgentState's pseudo-control becomes UpdateState.
func callRequest(ctrl Control, args *RequestArgs) outgoing {
	if ctrl.Subtopic == SubtopicSetAgentState {
		req, _ := LookupRequest(TopicAgent, "UpdateState")
		s := AgentStateMessage{}
		if args != nil {
			s = AgentStateMessage{Label: args.AgentState, Code: args.AgentState}
		}
		return outgoing{req: req, data: marshal(s.MarshalEasyJSON), args: args, asked: s}
	}
	req, _ := LookupRequest(TopicInboundCall, ctrl.Subtopic)
	o := outgoing{req: req, args: args}
	if args != nil {
		switch {
		case req.Data == DataDigits:
			o.data = JSONString(args.Digits)
			if !ValidDigits(args.Digits) {
				o.invalid = "Digits must be 1 to 64 of 0-9 * # , (got \"" + args.Digits + "\")."
			}
		case req.Data == DataConnection && args.ConnectionID != "":
			o.data = JSONString(args.ConnectionID)
		case ctrl.Button == Consult && args.PhoneNumber != "":
			o.data = JSONString(args.PhoneNumber)
		case ctrl.Button == Consult && args.QuickConnect != "":
			o.data = RawJSON(`{"Name":` + string(JSONString(args.QuickConnect)) + `}`)
		}
	}
	return o
}

// begin checks and sends one request (Begin, Send).
func (c *CRM) begin(ctrl Control, o outgoing) *Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ctrl.IsAnswer() && c.answer != nil {
		return c.answer
	}
	r := &Request{Control: ctrl, done: make(chan struct{})}
	if c.closed {
		c.settleLocked(r, Result{Err: ctrl.Closed()})
		return r
	}
	if c.failure != "" {
		c.settleLocked(r, Result{Err: ctrl.Fail(CauseNotReady, c.failure)})
		return r
	}
	if o.req.CallButton != noCallButton && c.heard {
		if _, err := Plan(ctrl, c.contact, o.args); err != nil {
			c.settleLocked(r, Result{Err: err.(*Error)})
			return r
		}
	}
	if err := c.agentAllowsLocked(ctrl, &o); err != nil {
		c.settleLocked(r, Result{Err: err})
		return r
	}
	env := Envelope{Channel: ChannelAmazon, Topic: o.req.Topic, Subtopic: o.req.Subtopic, Source: c.source,
		Version: ProtocolVersion, Data: o.data}
	if o.req.Data == DataConnection && env.Data == nil && c.contact != nil {
		// The vendor's sample names the agent's own connection: the softphone holds the customer's leg.
		if leg := c.contact.AgentLeg(); leg != nil {
			env.Data = JSONString(leg.ID)
		}
	}
	if o.invalid != "" {
		c.settleLocked(r, Result{Err: ctrl.Fail(CauseInvalidArgument, o.invalid)})
		return r
	}
	c.nextID++
	r.seq = c.nextID
	r.ID = c.epoch + "-" + strconv.FormatUint(c.nextID, 10)
	env.RequestID = r.ID
	// A ctibridge softphone (it has said Hello) echoes every request's id, in its reply or in an acknowledgement:
	// the request ends with that. The vendor's ends it with the event it causes.
	r.topic, r.subtopic, r.byEvent, r.asked = env.Topic, env.Subtopic, c.peerEpoch == "", o.asked
	if c.contact != nil {
		r.contactID = c.contact.ID
		if o.req.Data == DataConnection {
			id, _ := env.DataConnection()
			if conn := c.contact.Connection(id); conn != nil && !conn.IsAgentLeg() {
				r.party = conn.ID
			}
		}
	}
	c.requests[r.ID] = r
	if ctrl.IsAnswer() {
		c.answer = r
	}
	if err := c.send(Encode(&env)); err != nil {
		// Nothing will ever answer: say so now rather than after the timeout, with a live caller waiting.
		c.settleLocked(r, Result{Err: ctrl.Fail(CauseTransport, "The request could not be posted: "+err.Error()+".")})
		return r
	}
	if r.byEvent && r.subtopic == "SendDTMF" {
		// The vendor's softphone answers SendDTMF with an event only if a leg changes, which digits do not do:
		// the request has done all it can once posted. A later SEND_DTMF_FAILED is a diagnostic.
		c.settleLocked(r, Result{Message: []byte("null")})
	}
	return r
}

// agentView is what the vendor's agent messages have said of the agent: enough for its five buttons.
type agentView struct {
	known bool
	login LoginState
	state AgentStateType
	muted bool
}

// agentAllowsLocked refuses a request whose agent button is not Enable in the agent state this CRM holds (none
// held: the softphone decides, as for the call controls). UpdateState's button is Ready for a routable target,
// NotReady for another.
func (c *CRM) agentAllowsLocked(ctrl Control, o *outgoing) *Error {
	b := o.req.AgentButton
	if o.req.Subtopic == "UpdateState" {
		b = NotReadyButton
		if o.asked.Type == string(AgentTypeRoutable) {
			b = ReadyButton
		}
	}
	if b == noAgentButton || !c.agentView.known {
		return nil
	}
	v := &c.agentView
	d := DecideAgent(v.login, v.state, v.muted, AgentCallOf(c.contact))
	if d.States[b] == Enable {
		return nil
	}
	return ctrl.Fail(CauseNotAllowed, "The "+b.String()+" agent button is "+d.States[b].String()+" ("+string(d.Reasons[b])+").")
}

// vendorReplies are the replies and events of the vendor's pages that DecodeEnvelope does not route.
func isVendorReply(topic, subtopic string) bool {
	switch topic {
	case TopicApp, TopicInboundCall:
		return subtopic == SubtopicStateSync
	case TopicAgent:
		return subtopic == SubtopicLoginSuccess || subtopic == SubtopicLogoutSuccess || subtopic == SubtopicStateSync ||
			subtopic == SubtopicCcpAgentState
	}
	return false
}

// receiveVendor handles an envelope DecodeEnvelope refused as of an unknown topic: one of the vendor's replies
// and events, or the error envelope of one of its requests. ok is false for anything else.
func (c *CRM) receiveVendor(data []byte, origin string) (out []Delivery, ok bool) {
	env, raw, err := parseEnvelope(data)
	if err != nil || env.Channel != ChannelAmazon || (env.Version != 0 && env.Version != ProtocolVersion) || env.Message == nil {
		return nil, false
	}
	// A CRM never sends an OutboundCall request, so an error envelope of that topic answers nothing of its own.
	_, isRequest := LookupRequest(env.Topic, env.Subtopic)
	isRequest = isRequest && env.Topic != TopicOutboundCall
	if !isVendorReply(env.Topic, env.Subtopic) && !(isRequest && env.Message.Error != nil) {
		return nil, false
	}
	env.rawMessage = raw
	c.mu.Lock()
	defer c.mu.Unlock()
	diag := func(r Reason, detail string) {
		c.Diagnostics.Add(r)
		out = append(out, diagnosticDelivery(Diagnostic{Reason: r, Origin: origin, Detail: detail}))
	}
	c.trackSequenceLocked(&env, diag)
	if env.Message.Error != nil {
		c.replyLocked(&env, diag)
		return out, true
	}
	m := env.Message
	heard := true
	switch {
	case env.Topic == TopicApp:
		c.starting, heard = m.InitState != InitLoaded, false
	case c.starting && env.Subtopic == SubtopicStateSync:
		// A softphone still loading knows neither the agent nor the call: its "none" is not "no call". Requests
		// go out and the softphone decides.
		heard = false
	case env.Topic == TopicInboundCall:
		var sync CallStateSyncMessage
		l := jlexer.Lexer{Data: raw}
		if sync.UnmarshalEasyJSON(&l); l.Error() != nil {
			diag(ReasonBadShape, "InboundCall/StateSync: "+string(MaskPhoneNumbers([]byte(l.Error().Error()))))
			return out, true
		}
		c.applyCallSyncLocked(&sync)
		c.synced = true
	case env.Topic == TopicAgent && env.Subtopic != SubtopicCcpAgentState:
		v := agentView{known: true, login: m.LoginState, muted: c.agentView.muted}
		if m.AgentInfo != nil {
			v.muted = m.AgentInfo.Muted
		}
		if s := m.AgentState; s != nil {
			v.state = s.Type
			c.keepAgentLocked(AgentStateOf(Agent{Name: s.Name, Type: s.Type}))
		}
		c.agentView = v
	}
	c.heard = c.heard || heard
	msg := messageText(&env)
	c.completeLocked(func(r *Request) bool {
		switch r.subtopic {
		case "Login":
			return env.Subtopic == SubtopicLoginSuccess
		case "Logout":
			return env.Subtopic == SubtopicLogoutSuccess
		case SubtopicStateSync:
			return env.Subtopic == SubtopicStateSync && r.topic == env.Topic
		}
		return false
	}, env.RequestID, msg)
	return append(out, Delivery{env.Subtopic, msg}), true
}

// applyAgentEventLocked keeps what a vendor SetAgentState event says and ends the requests it answers.
func (c *CRM) applyAgentEventLocked(env *Envelope) []Delivery {
	m := env.Message
	c.agentView = agentView{known: true, login: LoggedIn, state: m.AgentData.Type, muted: m.AgentData.Muted}
	c.keepAgentLocked(AgentStateOf(Agent{Name: m.Event, Type: m.AgentData.Type}))
	c.heard = true
	msg := messageText(env)
	c.completeLocked(func(r *Request) bool {
		switch r.subtopic {
		case "SetNotReady", "UpdateState":
			a := &r.asked
			return (a.Label != "" && m.Event == a.Label) || (a.Code != "" && m.Event == a.Code) ||
				(m.AgentData.ReasonCode != nil && a.Label != "" && m.AgentData.ReasonCode.ID == a.Label) ||
				(a.Type == string(AgentTypeRoutable) && m.AgentData.Type == AgentTypeRoutable)
		case "GetAgentState":
			return true
		case "Mute":
			return m.AgentData.Muted
		case "Unmute":
			return !m.AgentData.Muted
		}
		return false
	}, env.RequestID, msg)
	return []Delivery{{OnSetAgentState, msg}}
}

// applyCallSyncLocked replaces the contact with the one an InboundCall/StateSync describes.
func (c *CRM) applyCallSyncLocked(m *CallStateSyncMessage) {
	c.contact = nil
	if len(m.Calls) == 0 {
		return
	}
	ct := &Contact{Type: "voice"}
	keep(&ct.ID, m.Calls[0].ContactID)
	for _, a := range m.Attributes {
		switch {
		case a.Value == nil:
		case a.Name == "ANI":
			keep(&ct.ANI, *a.Value)
		case a.Name == "DNIS":
			keep(&ct.DNIS, *a.Value)
		}
	}
	if m.QueueName != nil {
		keep(&ct.QueueName, *m.QueueName)
	}
	for i := range m.Calls {
		ev := CallEvent{ResponseActual: m.Calls[i]}
		if ev.Validate() != nil {
			continue // a leg this CRM cannot act on; the callbacks still get the whole message
		}
		ct.Connections = append(ct.Connections, Connection{})
		keepConnection(&ct.Connections[len(ct.Connections)-1], ev.Connection())
	}
	c.contact = ct
}

// completeCallLocked ends the requests a call event answers (the vendor's softphone sends no acknowledgement).
func (c *CRM) completeCallLocked(env *Envelope, ev *CallEvent, conn *Connection, msg []byte) {
	onParty := func(r *Request) bool {
		if r.party != "" {
			return conn.ID == r.party
		}
		return !conn.IsAgentLeg()
	}
	agentEnded := conn.IsAgentLeg() && conn.State == ConnDisconnected
	cleared := false
	defer func() {
		if cleared {
			c.contact = nil
		}
	}()
	c.completeLocked(func(r *Request) bool {
		switch r.subtopic {
		case "Hold":
			return conn.State == ConnHold && onParty(r)
		case "Resume":
			prev := ev.ResponseActual.PreviousStatus
			return conn.State == ConnConnected && (prev == "" || prev == ConnHold) && onParty(r)
		case "Disconnect":
			return conn.State == ConnDisconnected && (r.party == "" || conn.ID == r.party)
		case "ClearContact":
			// ClearContact is only Enable once the agent's leg has ended: the next event of the call is the
			// clearing, after which the vendor's softphone says nothing more of the contact.
			cleared = true
			return true
		case "Blindtransfer":
			return agentEnded || ev.ResponseActual.ContactID != r.contactID
		case "SetMakeCall":
			return ev.ResponseActual.ContactID != r.contactID
		}
		return false
	}, env.RequestID, msg)
}

// completeLocked ends, with msg, every request sent to a peer that does not acknowledge that answers says the
// envelope answers. An envelope that echoes the id of a pending request answers that one only.
func (c *CRM) completeLocked(answers func(*Request) bool, requestID string, msg []byte) {
	if r := c.requests[requestID]; r != nil {
		if answers(r) {
			c.settleLocked(r, Result{Message: msg})
		}
		return
	}
	for _, r := range c.requests {
		if r.byEvent && answers(r) {
			c.settleLocked(r, Result{Message: msg})
		}
	}
}

// screamingSnake writes a subtopic as an error type's stem: GetAgentState → GET_AGENT_STATE. ASCII only:
// strings.ToUpper would link Unicode's case tables into the module.
func screamingSnake(s string) string {
	b := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' && i > 0 {
			b = append(b, '_')
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// JSONString returns s as a JSON string: a request's data.
func JSONString(s string) RawJSON {
	var w jwriter.Writer
	w.String(s)
	return w.Buffer.BuildBytes()
}

func marshal(f func(*jwriter.Writer)) RawJSON {
	var w jwriter.Writer
	f(&w)
	return w.Buffer.BuildBytes()
}

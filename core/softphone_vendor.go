package core

import (
	"bytes"
	"errors"

	"github.com/mailru/easyjson/jlexer"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// The softphone's side of the vendor's requests (Requests) that ctibridge's own dialect does not have: the three
// StateSyncs, the agent's requests, dialling out, DTMF, the blind transfer and the OutboundCall refusal. Every
// one is answered: by the event it causes, by its reply, or by its error envelope; none is ignored.

// ErrAgentStateNotFound is what a StreamsPort reports (wrapped) when an agent state named by a SetNotReady or
// UpdateState is not among the agent's states: the request fails with AGENT_STATE_NOT_FOUND.
var ErrAgentStateNotFound = errors.New("no such agent state in the agent's routing profile")

// Configure takes Streams' agent configuration (JSON of agent.getConfiguration(), ConfigurationKeys only), which
// Streams delivers with every agent snapshot, and keeps who the agent is for the agentInfo of LoginSuccess,
// StateSync and LogoutSuccess and the identity in SetAgentState. One identical to the last is skipped before it
// is decoded. A change once the agent is known (an administrator changed the agent's name, extension or phone
// type) is an agent change: every CRM gets SetAgentState.
func (s *Softphone) Configure(configuration []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profile != nil && bytes.Equal(configuration, s.configuration) {
		return nil
	}
	data := bytes.Clone(configuration) // the decoded strings are views of this copy (wire.go)
	var c StreamsConfiguration
	l := jlexer.Lexer{Data: data}
	c.UnmarshalEasyJSON(&l)
	if err := l.Error(); err != nil {
		return err
	}
	p := c.Profile()
	changed := s.profile != nil && *s.profile != p
	s.profile, s.configuration = &p, data
	if changed && s.ready {
		s.pushAgentLocked()
	}
	return nil
}

// receiveVendor handles a message DecodeEnvelope refused for its topic or subtopic: a request of the vendor's
// pages (Requests, or any OutboundCall request) is carried out or refused with its error envelope. Anything else
// is only refused with a diagnostic, as every hostile message is (web/test/fixtures/hostile): an unknown
// subtopic gets no answer, which a page that made it up can read in its own console.
func (s *Softphone) receiveVendor(data []byte, origin string) []Delivery {
	env, vr, err := DecodeRequest(data)
	if err != nil {
		de, _ := err.(*DecodeError)
		return []Delivery{s.Reject(de.Reason, origin, de.Detail)}
	}
	return s.handleVendor(env, vr, origin)
}

// handleVendor carries out one request of Requests that DecodeEnvelope does not know.
func (s *Softphone) handleVendor(req Envelope, vr VendorRequest, origin string) []Delivery {
	if req.Topic == TopicOutboundCall {
		s.mu.Lock()
		s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, vr.Err.Fail(CauseNotAllowed,
			"ctibridge has no campaign dialer: this request needs the vendor's own server."))
		s.mu.Unlock()
		return nil
	}
	refuse := func(err error) []Delivery {
		s.mu.Lock()
		s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, vr.Fail(err))
		s.mu.Unlock()
		return []Delivery{s.Reject(ReasonBadShape, origin, err.Error())}
	}
	switch req.Topic + "/" + vr.Subtopic {
	case TopicApp + "/" + SubtopicStateSync:
		s.mu.Lock()
		defer s.mu.Unlock()
		state := InitLoading
		switch {
		case s.failure != "":
			state = InitNone
		case s.ready:
			state = InitLoaded
		}
		s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicApp, Subtopic: SubtopicStateSync, RequestID: req.RequestID},
			(&AppStateSyncMessage{InitState: state}).MarshalEasyJSON)
	case TopicAgent + "/" + SubtopicStateSync:
		s.mu.Lock()
		defer s.mu.Unlock()
		msg := NewAgentSync(s.statusLocked())
		s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicStateSync, RequestID: req.RequestID}, msg.MarshalEasyJSON)
	case TopicInboundCall + "/" + SubtopicStateSync:
		s.mu.Lock()
		defer s.mu.Unlock()
		msg := NewCallStateSync(s.contact)
		s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicInboundCall, Subtopic: SubtopicStateSync, RequestID: req.RequestID}, msg.MarshalEasyJSON)
	case TopicAgent + "/GetAgentState":
		s.mu.Lock()
		defer s.mu.Unlock()
		s.postAgentLocked(req.RequestID)
	default:
		return s.handleVendorAction(req, vr, refuse)
	}
	return nil
}

// vendorArgs reads the vendor's data of one of our controls (Hold, Resume, Disconnect name a connection,
// SendDTMF carries digits, Consult a target) into our args; a request without data keeps its args (an older
// ctibridge CRM's, SendDigits with args.digits). A connection id that is the agent's
// own or the contact's means what the vendor's sample means by it (the customer's leg; hanging up): no party.
func (s *Softphone) vendorArgs(ctrl Control, req *Envelope) (*RequestArgs, error) {
	if req.dataKind() == 0 && (req.Args != nil || ctrl.Button != Numberpad) {
		return req.Args, nil // SendDTMF needs its digits: without them (the vendor's sample) it is refused below
	}
	switch ctrl.Button {
	case Numberpad:
		digits, err := req.DataDigits()
		if err != nil {
			return nil, err
		}
		return &RequestArgs{Digits: digits}, nil
	case Hold, Resume, Disconnect:
		id, err := req.DataConnection()
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if c := s.contact; c != nil && (id == c.ID || (c.AgentLeg() != nil && c.AgentLeg().ID == id)) {
			id = ""
		}
		return &RequestArgs{ConnectionID: id}, nil
	case Consult:
		t, err := req.DataTarget()
		if err != nil {
			return nil, err
		}
		if t.Endpoint != nil {
			if t.Endpoint.Name == "" {
				return nil, req.dataError(DataInvalid, "must name the quick connect (name)")
			}
			return &RequestArgs{QuickConnect: t.Endpoint.Name}, nil
		}
		return &RequestArgs{PhoneNumber: t.PhoneNumber}, nil
	}
	return req.Args, nil
}

// handleVendorAction carries out the vendor's requests that become one or two Streams actions outside a call
// control's flight: the agent's state, mute, dialling out, the blind transfer, login and logout.
func (s *Softphone) handleVendorAction(req Envelope, vr VendorRequest, refuse func(error) []Delivery) []Delivery {
	var action Action
	var button AgentButton = noAgentButton
	switch vr.Subtopic {
	case "SetNotReady":
		name, err := req.DataReasonCode()
		if err != nil {
			return refuse(err)
		}
		action, button = Action{Kind: ActSetAgentState, AgentState: name}, NotReadyButton
	case "UpdateState":
		st, err := req.DataAgentState()
		if err != nil {
			return refuse(err)
		}
		name := either(st.Code, st.Label)
		button = NotReadyButton
		if st.Type == string(AgentTypeRoutable) || st.Type == "Routable" {
			button = ReadyButton
		}
		action = Action{Kind: ActSetAgentState, AgentState: name}
	case "Mute":
		action, button = Action{Kind: ActMute}, MuteButton
	case "Unmute":
		action, button = Action{Kind: ActUnmute}, UnmuteButton
	case "SetMakeCall":
		t, err := req.DataTarget()
		if err != nil {
			return refuse(err)
		}
		action, button = t.aim(Action{Kind: ActConnect}), MakeCallButton
	case "Blindtransfer":
		t, err := req.DataTarget()
		if err != nil {
			return refuse(err)
		}
		s.blindTransfer(req, vr, t)
		return nil
	case "Login":
		s.login(req, vr)
		return nil
	case "Logout":
		s.logout(req, vr)
		return nil
	default:
		// A request of Requests this softphone has no handler for would be a bug: answer it all the same.
		return refuse(errors.New("ctibridge's softphone does not carry out " + vr.Subtopic + " yet"))
	}
	s.mu.Lock()
	if err := s.agentAllowedLocked(vr, button); err != nil {
		s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, err)
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	s.streams.Do(action, func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, agentFailure(vr, err))
			return
		}
		switch action.Kind {
		case ActMute, ActUnmute:
			s.muted = action.Kind == ActMute
			s.postAgentLocked(req.RequestID)
		case ActSetAgentState:
			s.askedState = action.AgentState
			if action.AgentState == s.agent.Name {
				s.postAgentLocked(req.RequestID) // no change to wait for
			} else {
				s.agentWaiters = append(s.agentWaiters, req.RequestID)
			}
		case ActConnect:
			// The new contact's events answer it; a ctibridge CRM's request id gets an acknowledgement too.
			if req.RequestID != "" {
				s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, nil)
			}
		}
	})
	return nil
}

// agentAllowedLocked refuses an agent request before it reaches Streams: the softphone must be up, and the
// request's agent button Enable.
func (s *Softphone) agentAllowedLocked(vr VendorRequest, b AgentButton) *Error {
	switch {
	case s.failure != "":
		return vr.Err.Fail(CauseNotReady, "The softphone could not start: "+s.failure)
	case !s.ready || s.loggedOut:
		return vr.Err.Fail(CauseNotReady, "The agent is not signed in to Amazon Connect.")
	}
	if b == noAgentButton {
		return nil
	}
	d := s.statusLocked().Buttons()
	if d.States[b] != Enable {
		return vr.Err.Fail(CauseNotAllowed, "The "+b.String()+" button is "+d.States[b].String()+" ("+string(d.Reasons[b])+").")
	}
	return nil
}

// agentFailure is the error of an agent request whose Streams action failed: AGENT_STATE_NOT_FOUND when the
// state named is not the agent's, else the request's own error with Amazon Connect's text as the code.
func agentFailure(vr VendorRequest, err error) *Error {
	if errors.Is(err, ErrAgentStateNotFound) {
		return ErrKindAgentStateNotFound.Fail(CauseInvalidArgument, err.Error())
	}
	return vr.Err.Failed(err)
}

// blindTransfer adds the party named, then the agent leaves the call (its leg is destroyed): the vendor's
// Blindtransfer. The new party's and the agent's leg's events answer it.
func (s *Softphone) blindTransfer(req Envelope, vr VendorRequest, t Target) {
	s.mu.Lock()
	var err *Error
	var add, leave Action
	switch c := s.contact; {
	case s.failure != "" || !s.ready:
		err = vr.Err.Fail(CauseNotReady, "The softphone has not connected to Amazon Connect.")
	case c == nil || c.AgentLeg() == nil || c.AgentLeg().State != ConnConnected:
		err = vr.Err.Fail(CauseNotAllowed, "No call to transfer: the agent is not connected to a call.")
	default:
		add = t.aim(Action{Kind: ActAddConnection, ContactID: c.ID})
		leave = Action{Kind: ActDestroy, ContactID: c.ID, ConnectionID: c.AgentLeg().ID}
	}
	if err != nil {
		s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, err)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	fail := func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, agentFailure(vr, err))
	}
	s.streams.Do(add, func(err error) {
		if err != nil {
			fail(err)
			return
		}
		s.streams.Do(leave, func(err error) {
			if err != nil {
				fail(err)
				return
			}
			if req.RequestID != "" {
				s.mu.Lock()
				defer s.mu.Unlock()
				s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, nil)
			}
		})
	})
}

// AgentOffline is the name of Amazon Connect's offline agent state, which Logout sets.
const AgentOffline = "Offline"

// statusLocked is the agent as the vendor's Agent messages report it: LoggingOut while a Logout is under way,
// LoggingIn while a Login waits for the agent to sign in.
func (s *Softphone) statusLocked() *AgentStatus {
	st := &AgentStatus{Login: LoggedOut, Profile: s.profile, Muted: s.muted, Call: AgentCallOf(s.contact)}
	if s.signedInLocked() {
		st.Login = LoggedIn
		if len(s.logouts) > 0 {
			st.Login = LoggingOut
		}
		a := s.agentState
		st.State = &a
	} else if len(s.logins) > 0 {
		st.Login = LoggingIn
	}
	return st
}

// pushAgentLocked posts the SetAgentState event of an agent change (its state, its mute, the first snapshot
// after a load), echoing the request id of the change it completes: a CRM of the vendor's pages expects it
// unsolicited.
func (s *Softphone) pushAgentLocked() {
	id := ""
	if len(s.agentWaiters) > 0 {
		id, s.agentWaiters = s.agentWaiters[0], s.agentWaiters[1:]
	}
	s.postAgentLocked(id)
}

// noteCcpStateLocked posts CcpAgentState when the agent's state in Amazon Connect is not the one a CRM last set
// (the agent changed it in the CCP, or Amazon Connect did: a call, after-call work, an error), so that a CRM of
// the vendor's pages learns that its choice no longer holds.
func (s *Softphone) noteCcpStateLocked() {
	if s.askedState == "" || s.agentState.Name == s.askedState {
		return
	}
	msg := NewCcpAgentState(s.agentState)
	s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicCcpAgentState}, msg.MarshalEasyJSON)
}

// postAgentLocked posts the SetAgentState event.
func (s *Softphone) postAgentLocked(requestID string) {
	msg := NewSetAgentState(s.statusLocked())
	s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicSetAgentState, RequestID: requestID}, msg.MarshalEasyJSON)
}

// postErrorLocked posts the error envelope of a request (topic and subtopic as the request's), or, e nil, the
// acknowledgement a ctibridge CRM's request id asks for.
func (s *Softphone) postErrorLocked(topic, subtopic, requestID string, e *Error) {
	env := Envelope{Channel: ChannelAmazon, Topic: topic, Subtopic: subtopic, RequestID: requestID,
		Message: &Message{Source: SourceEvent}}
	if e != nil {
		env.Message.Error = e.Wire()
	}
	s.postLocked(&env)
}

// postVendorLocked posts env with one of the vendor's message payloads, stamped as postLocked stamps.
func (s *Softphone) postVendorLocked(env *Envelope, msg func(*jwriter.Writer)) {
	if s.closed {
		return
	}
	s.seq++
	env.Epoch, env.Seq, env.Version = s.epoch, s.seq, ProtocolVersion
	b := encodeVendor(env, msg)
	if len(b) > MaxEnvelopeBytes {
		return
	}
	_ = s.send(b)
}

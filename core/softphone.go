package core

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/mailru/easyjson/jlexer"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// StreamsPort is the softphone role's way into Amazon Connect Streams. The wasm package implements it on the
// real connect global; tests implement it with a recorder.
type StreamsPort interface {
	// Do performs a and calls done exactly once: with nil on success, or with an error whose text is the
	// Amazon Connect failure message, or with an *Error whose Cause says otherwise (CauseInternal: the adapter
	// failed). done may run before Do returns or later, from a JavaScript callback; it never blocks. If done
	// panics, it is called once more, with a CauseInternal *Error.
	Do(a Action, done func(err error))
}

// Sender posts one encoded envelope to the other window. It must not block and must not call back into the role.
// It returns an error when the envelope cannot reach the window (it is gone from the page). The envelope is
// valid only during the call: a Sender that keeps it keeps a copy.
type Sender func(envelope []byte) error

// Softphone is the softphone role: it turns Streams agent snapshots into event envelopes and CRM requests into
// Streams actions. Create it with NewSoftphone; it is safe for concurrent use.
type Softphone struct {
	streams    StreamsPort
	attributes AttributeAllowlist // the contact attributes reported

	mu       sync.Mutex
	send     Sender
	epoch    string
	seq      uint64
	ready    bool   // a first snapshot has been observed
	snapshot []byte // the last snapshot applied, as Streams serialised it
	agent    Agent
	contact  *Contact           // the current voice contact, nil when there is none
	inflight map[string]*flight // Streams actions under way, by actionKey
	// answers maps a contact id to the request ids of Answer requests whose completing event (the agent's leg
	// becoming connected) has not been posted yet, so that event can echo the first one.
	answers   map[string]string
	digitRuns int    // numbers sendDigits actions, which are never de-duplicated
	failure   string // why the softphone could not start; "" when it did
	posting   []byte // the last envelope posted: its buffer is reused for the next one
	closed    bool   // Close was called: nothing is posted any more

	// The agent as the vendor's Agent messages report it (softphone_vendor.go).
	agentState AgentState // the last snapshot's, with its ARN and start
	muted      bool       // the agent's mute, as the last Mute, Unmute or change of the snapshot's left it
	legMuted   bool       // the agent's leg's mute in the last snapshot (StreamsSnapshot.AgentMuted)
	loggedOut  bool       // a Logout ended the agent's session with Amazon Connect, and no Login has started one
	askedState string     // the agent state a CRM last set (SetNotReady, UpdateState), for CcpAgentState
	session    Session    // where the agent signs in and out
	// logins are the request ids of Logins waiting for the agent to sign in (session.go); logouts those of the
	// Logouts under way.
	logins, logouts []string
	// profile is who the agent is, from Streams' agent configuration (Configure); nil until Streams reports it.
	profile       *AgentProfile
	configuration []byte // the configuration profile was read from, as Streams serialised it
	// agentWaiters are the request ids of agent-state changes Streams accepted whose SetAgentState event (the
	// next agent change a snapshot shows) has not been posted yet: it echoes the first.
	agentWaiters []string

	// Diagnostics counts every rejected message and every anomaly by reason.
	Diagnostics Counters
}

// flight is one Streams action under way and the requests waiting for it: a second identical request joins
// the first instead of reaching Streams twice.
type flight struct {
	control  Control
	requests []string
}

// SoftphoneOption configures a Softphone (NewSoftphone).
type SoftphoneOption func(*Softphone)

// WithContactAttributes has the softphone report the contact attributes allow names, in ExtendedCallVariables
// and InboundCall/StateSync's attributes; without it, none.
func WithContactAttributes(allow AttributeAllowlist) SoftphoneOption {
	return func(s *Softphone) { s.attributes = allow }
}

// NewSoftphone returns the softphone role. epoch identifies this life of the softphone window (it must change
// on every load); send posts to the CRM. It posts a Hello at once, so that a CRM that was waiting learns that
// this softphone (re)started.
func NewSoftphone(epoch string, streams StreamsPort, send Sender, opts ...SoftphoneOption) *Softphone {
	s := &Softphone{streams: streams, send: send, epoch: epoch, inflight: map[string]*flight{}, answers: map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicBridge, Subtopic: SubtopicHello})
	return s
}

// Fail records that the softphone could not start (Streams could not initialise) and tells the CRM: a Hello
// carrying the error, repeated in answer to every Hello the CRM sends, so that a CRM loaded later learns why
// nothing works (its selfTest shows it). Requests are refused from then on.
func (s *Softphone) Fail(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failure = reason
	s.postLocked(s.failureEnvelope())
}

func (s *Softphone) failureEnvelope() *Envelope {
	return &Envelope{Channel: ChannelAmazon, Topic: TopicBridge, Subtopic: SubtopicHello, Message: &Message{Source: SourceEvent,
		Error: &WireError{Type: ErrorTypeSoftphoneFailed, Code: s.failure, Message: "The softphone could not start.", Cause: string(CauseNotReady)}}}
}

// RefuseVersion answers the Hello of a CRM that speaks another protocol version (the envelope failed to decode
// with ReasonVersion and is returned with the error): a Hello carrying a VERSION_MISMATCH error that names that
// CRM's epoch, which the CRM can read whatever its version. Other envelopes of another version are only refused.
func (s *Softphone) RefuseVersion(hello Envelope) {
	if hello.Topic != TopicBridge || hello.Subtopic != SubtopicHello {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicBridge, Subtopic: SubtopicHello, RequestID: hello.Epoch,
		Message: &Message{Source: SourceEvent, Error: &WireError{Type: ErrorTypeVersionMismatch,
			Code: "This softphone speaks ctibridge protocol version " + strconv.Itoa(ProtocolVersion) + ", the CRM version " +
				strconv.Itoa(hello.Version) + ": load the same ctibridge version on both pages.",
			Message: "Protocol version mismatch."}}})
}

// Observe takes one Streams agent snapshot (JSON of connect's agent data "snapshot", as StreamsSnapshot
// describes) and posts, in order: an AgentStateChange if the agent's state changed, then one
// InboundCallStateChange per connection whose state changed, in Streams' connection order, each computed on
// the state as it stood after the changes before it; when the contact goes away, a Snapshot with no calls.
//
// Streams pushes a snapshot every time its worker polls, about once a second, and most change nothing: one
// identical to the last is skipped before it is decoded.
func (s *Softphone) Observe(snapshot []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready && bytes.Equal(snapshot, s.snapshot) {
		return nil
	}
	data := bytes.Clone(snapshot) // the decoded strings are views of this copy (wire.go)
	var snap StreamsSnapshot
	l := jlexer.Lexer{Data: data}
	snap.UnmarshalEasyJSON(&l)
	if err := l.Error(); err != nil {
		return err
	}
	var cur *Contact
	for i := range snap.Contacts {
		if t := snap.Contacts[i].Type; (t == "voice" || t == "queue_callback") && snap.Contacts[i].ContactID != "" {
			c := snap.Contacts[i].Contact()
			var tooLarge int
			c.Attributes, tooLarge = s.attributes.pick(snap.Contacts[i].Attributes)
			for range tooLarge {
				s.Diagnostics.Add(ReasonTooLarge) // on every snapshot that carries it: the page's count grows
			}
			cur = &c
			break
		}
	}

	first := !s.ready
	call := AgentCallOf(s.contact)
	s.ready = true
	agentChanged := false
	if m := snap.AgentMuted(); m != s.legMuted {
		// Streams follows the agent's mute on its leg (and a supervisor's): a change there is a mute change.
		s.legMuted, s.muted, agentChanged = m, m, true
	}
	if agent := snap.Agent(); first || agent != s.agent {
		s.agent, s.agentState = agent, snap.AgentState()
		s.postLocked(s.agentEnvelope())
		s.noteCcpStateLocked()
		agentChanged = true
	}
	if first {
		// After the first snapshot's events (which a vendor-page CRM needs), the whole state for a ctibridge
		// CRM, which may have asked for it before Streams had reported anything.
		defer func() { s.postLocked(s.snapshotEnvelope(s.contact)) }()
	}
	old := s.contact
	if old != nil && (cur == nil || cur.ID != old.ID) {
		s.endContactLocked(old)
		old = nil
	}
	s.contact = cur
	if cur != nil {
		s.diffLocked(old, cur)
	}
	// The agent's buttons follow the call too (it rings, ends, is cleared): SetAgentState once the contact is
	// current, on a change of the agent's state, its mute or its call.
	if agentChanged || AgentCallOf(cur) != call {
		s.pushAgentLocked()
	}
	s.answerLoginsLocked()
	s.snapshot = data // only once it is applied: one whose update failed half-way is applied again
	return nil
}

// endContactLocked reports the end of a contact that left the snapshot (cleared, or replaced by another): a
// disconnected event for each leg not already disconnected, then an empty Snapshot.
func (s *Softphone) endContactLocked(old *Contact) {
	gone := *old
	gone.Connections = append([]Connection(nil), old.Connections...)
	for i := range gone.Connections {
		if prev := gone.Connections[i].State; prev != ConnDisconnected {
			gone.Connections[i].State = ConnDisconnected
			s.postCallLocked(&gone, i, prev)
		}
	}
	delete(s.answers, old.ID)
	s.postLocked(s.snapshotEnvelope(nil))
}

// diffLocked posts one event per connection of cur whose state differs from old (nil for a new contact).
func (s *Softphone) diffLocked(old, cur *Contact) {
	prev := map[string]Connection{}
	if old != nil {
		for _, c := range old.Connections {
			prev[c.ID] = c
		}
	}
	applied := map[string]bool{}
	// working is the contact as the CRM will know it after each event: changed legs in their new state,
	// unchanged legs as before, legs not yet reported absent.
	working := func() (*Contact, map[string]int) {
		w := *cur
		w.Connections = make([]Connection, 0, len(cur.Connections)+len(prev))
		index := map[string]int{}
		for _, c := range cur.Connections {
			if applied[c.ID] {
				index[c.ID] = len(w.Connections)
				w.Connections = append(w.Connections, c)
			} else if p, ok := prev[c.ID]; ok {
				index[c.ID] = len(w.Connections)
				w.Connections = append(w.Connections, p)
			}
		}
		return &w, index
	}
	for _, c := range cur.Connections {
		p, existed := prev[c.ID]
		if existed && p.State == c.State {
			continue
		}
		previous := ConnInit
		if existed {
			previous = p.State
		}
		applied[c.ID] = true
		w, index := working()
		s.postCallLocked(w, index[c.ID], previous)
	}
	// Legs that vanished from the snapshot without a disconnected state: report them disconnected.
	if old == nil {
		return
	}
	for _, p := range old.Connections {
		if cur.Connection(p.ID) != nil || p.State == ConnDisconnected {
			continue
		}
		w, _ := working()
		gone := p
		gone.State = ConnDisconnected
		w.Connections = append(w.Connections, gone)
		s.postCallLocked(w, len(w.Connections)-1, p.State)
	}
}

// postCallLocked posts the InboundCallStateChange of contact.Connections[subject]. The event that completes an
// Answer (the agent's leg becoming connected) echoes that request's id.
func (s *Softphone) postCallLocked(contact *Contact, subject int, previous ConnectionState) {
	call := NewCallEvent(contact, subject, previous)
	env := Envelope{Channel: ChannelAmazon, Topic: TopicInboundCall, Subtopic: SubtopicInboundCallStateChange,
		Message: &Message{Call: &call, Source: SourceEvent}}
	if conn := &contact.Connections[subject]; conn.IsAgentLeg() && conn.State == ConnConnected {
		if id, ok := s.answers[contact.ID]; ok {
			env.RequestID = id
			delete(s.answers, contact.ID)
		}
	}
	s.postLocked(&env)
}

// Reject records a message refused before decoding (wrong origin or source window, not JSON, too large), or an
// anomaly of the softphone's own (a Streams snapshot it could not read, a recovered panic), and returns its
// diagnostic delivery.
func (s *Softphone) Reject(reason Reason, origin, detail string) Delivery {
	s.Diagnostics.Add(reason)
	return diagnosticDelivery(Diagnostic{Reason: reason, Origin: origin, Detail: detail})
}

// Receive handles one message from the CRM's window (admitted by its Gate, SoftphoneGate) and returns
// the callbacks to call: none for a request, which HandleRequest carries out, and one diagnostic for anything
// else. A CRM's Hello of another protocol version is answered (RefuseVersion) as well as refused; an event
// (a message with a "message" outside the Bridge topic) is refused, since only a softphone sends those.
func (s *Softphone) Receive(data []byte, origin string) []Delivery {
	env, err := DecodeEnvelope(data)
	if err != nil {
		de, _ := err.(*DecodeError)
		switch de.Reason {
		case ReasonVersion:
			s.RefuseVersion(env)
		case ReasonUnknownTopic:
			// Not one of our own requests: one of the vendor's (Requests), answered or refused there.
			return s.receiveVendor(data, origin)
		}
		return []Delivery{s.Reject(de.Reason, origin, de.Detail)}
	}
	if env.Message != nil && env.Topic != TopicBridge {
		return []Delivery{s.Reject(ReasonUnexpected, origin, "an event sent to the softphone")}
	}
	return s.handle(env, origin)
}

// HandleRequest carries out one request from the CRM, decoded and validated (Receive calls it), or a request
// a test builds.
// Refusals and failures are answered with the control's error envelope; nothing here waits for Streams.
func (s *Softphone) HandleRequest(req Envelope) {
	s.handle(req, "")
}

// handle is HandleRequest, returning the diagnostics of a refused request (bad data) for Receive to deliver.
func (s *Softphone) handle(req Envelope, origin string) []Delivery {
	switch req.Topic {
	case TopicBridge:
		if req.Subtopic == SubtopicHello || req.Subtopic == SubtopicSnapshot {
			s.mu.Lock()
			defer s.mu.Unlock()
			switch {
			case s.failure != "":
				s.postLocked(s.failureEnvelope())
			case s.ready:
				s.postLocked(s.snapshotEnvelope(s.contact))
			default:
				// Streams has not reported yet: an empty snapshot would tell the CRM there is no call while
				// there may be one. The first snapshot Observe takes is posted instead.
			}
		}
		return nil
	case TopicAgent:
		if req.Subtopic == SubtopicSetAgentState {
			s.setAgentState(req)
		}
		return nil
	}
	ctrl, ok := ControlBySubtopic(req.Subtopic)
	if !ok {
		return nil // a call event sent to the softphone: nothing to do
	}
	args, err := s.vendorArgs(ctrl, &req)
	if err != nil {
		// The vendor's data of the wrong shape: the control's error, and the page learns why.
		s.mu.Lock()
		s.replyLocked(ctrl, req.RequestID, ctrl.Kind().Refuse(err))
		s.mu.Unlock()
		return []Delivery{s.Reject(ReasonBadShape, origin, err.Error())}
	}
	req.Args = args
	s.startControl(ctrl, req)
	return nil
}

// startControl plans a call control and hands its action to Streams, joining an identical action under way.
func (s *Softphone) startControl(ctrl Control, req Envelope) {
	s.mu.Lock()
	action, err := s.planLocked(ctrl, req)
	if err != nil {
		s.replyLocked(ctrl, req.RequestID, err)
		s.mu.Unlock()
		return
	}
	key := actionKey(action)
	if f, busy := s.inflight[key]; busy && action.Kind != ActSendDigits {
		f.requests = append(f.requests, req.RequestID)
		s.mu.Unlock()
		return
	}
	if action.Kind == ActSendDigits {
		s.digitRuns++
		key += "#" + strconv.Itoa(s.digitRuns) // never joined: every digit string is sent, in order
	}
	s.inflight[key] = &flight{control: ctrl, requests: []string{req.RequestID}}
	if action.Kind == ActAccept && req.RequestID != "" {
		s.answers[action.ContactID] = req.RequestID
	}
	s.mu.Unlock()

	s.streams.Do(action, func(err error) { s.finish(key, err) })
}

func (s *Softphone) planLocked(ctrl Control, req Envelope) (Action, error) {
	if s.failure != "" {
		return Action{}, ctrl.Fail(CauseNotReady, "The softphone could not start: "+s.failure)
	}
	if !s.ready {
		return Action{}, ctrl.Fail(CauseNotReady, "The softphone has not connected to Amazon Connect yet.")
	}
	if ctrl.IsAnswer() && s.agent.Name != AgentPendingBusy {
		return Action{}, ctrl.Fail(CauseNotAllowed, "No incoming call: the agent is "+quote(s.agent.Name)+", not PendingBusy.")
	}
	return Plan(ctrl, s.contact, req.Args)
}

// finish ends the action under key: every request waiting on it gets the error envelope on failure, or, on
// success, an acknowledgement (except Answer, which the connected event completes).
func (s *Softphone) finish(key string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.inflight[key]
	if !ok {
		return
	}
	for _, id := range f.requests {
		switch {
		case err != nil:
			if f.control.IsAnswer() {
				for contact, waiting := range s.answers {
					if waiting == id {
						delete(s.answers, contact)
					}
				}
			}
			s.replyLocked(f.control, id, f.control.Kind().Failed(err))
		case !f.control.IsAnswer() && id != "":
			s.replyLocked(f.control, id, nil)
		}
	}
	// Only once every request has its reply: if one panicked on the way, the adapter calls done again with an
	// internal error (StreamsPort), and the requests still find their action.
	delete(s.inflight, key)
}

// replyLocked posts the reply to one request: the error envelope, or (err nil) an acknowledgement, which only
// ctibridge CRMs ask for (they send a request id).
func (s *Softphone) replyLocked(ctrl Control, requestID string, err error) {
	env := Envelope{Channel: ChannelAmazon, Topic: TopicInboundCall, Subtopic: ctrl.Subtopic, RequestID: requestID,
		Message: &Message{Source: SourceEvent}}
	if err != nil {
		e, ok := err.(*Error)
		if !ok {
			e = ctrl.Fail(CauseInternal, err.Error())
		}
		env.Message.Error = e.Wire()
	}
	s.postLocked(&env)
}

// setAgentState changes the agent's state through Streams and acknowledges or reports the failure.
func (s *Softphone) setAgentState(req Envelope) {
	ctrl := SetAgentStateControl()
	s.mu.Lock()
	if req.Args == nil || req.Args.AgentState == "" {
		s.replyAgentLocked(req.RequestID, ctrl.Fail(CauseInvalidArgument, "setAgentState needs the name of an agent state."))
		s.mu.Unlock()
		return
	}
	if !s.ready {
		s.replyAgentLocked(req.RequestID, ctrl.Fail(CauseNotReady, "The softphone has not connected to Amazon Connect yet."))
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.streams.Do(Action{Kind: ActSetAgentState, AgentState: req.Args.AgentState}, func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			s.replyAgentLocked(req.RequestID, ctrl.Kind().Failed(err))
			return
		}
		s.replyAgentLocked(req.RequestID, nil)
	})
}

func (s *Softphone) replyAgentLocked(requestID string, e *Error) {
	env := Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicSetAgentState, RequestID: requestID,
		Message: &Message{Source: SourceEvent}}
	if e != nil {
		env.Message.Error = e.Wire()
	}
	s.postLocked(&env)
}

// SetAgentStateControl is the pseudo-control of setAgentState, which sends the vendor's UpdateState: its error
// type and message are UpdateState's (an older CRM's Agent/SetAgentState request gets the same).
func SetAgentStateControl() Control {
	req, _ := LookupRequest(TopicAgent, "UpdateState")
	return Control{Method: "setAgentState", Subtopic: SubtopicSetAgentState, ErrorType: req.Err.Type,
		ErrorMessage: req.Err.Message}
}

func (s *Softphone) agentEnvelope() *Envelope {
	return &Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicAgentStateChange,
		Message: &Message{Source: SourceEvent, Agent: AgentStateOf(s.agent)}}
}

// snapshotEnvelope is the full state: the agent and one event per connection of contact (nil: no call).
func (s *Softphone) snapshotEnvelope(contact *Contact) *Envelope {
	msg := &Message{Source: SourceEvent, Calls: []CallEvent{}}
	if s.ready {
		msg.Agent = AgentStateOf(s.agent)
	}
	if c := contact; c != nil {
		for i := range c.Connections {
			msg.Calls = append(msg.Calls, NewCallEvent(c, i, c.Connections[i].State))
		}
	}
	return &Envelope{Channel: ChannelAmazon, Topic: TopicBridge, Subtopic: SubtopicSnapshot, Message: msg}
}

// postLocked stamps the envelope with this softphone's epoch, next sequence number and protocol version, and
// posts it. Posting under the lock keeps sequence numbers in posting order.
//
// An envelope larger than a CRM accepts (MaxEnvelopeBytes; only absurd Streams data, such as a queue name of
// kilobytes, could make one) is not posted: the CRM would refuse it anyway, and sees a sequence gap, which
// makes it ask for a snapshot.
func (s *Softphone) postLocked(env *Envelope) {
	if s.closed {
		return
	}
	s.seq++
	env.Epoch, env.Seq, env.Version = s.epoch, s.seq, ProtocolVersion
	var w jwriter.Writer
	env.MarshalEasyJSON(&w)
	b, _ := w.BuildBytes(s.posting) // see Encode
	s.posting = b
	if len(b) > MaxEnvelopeBytes {
		return
	}
	_ = s.send(b) // a CRM that is gone has nothing to be told; one that comes back says Hello and gets a Snapshot
}

// Close stops the softphone posting: what Streams completes after its bridge has closed (an acknowledgement,
// a failure, a snapshot) is no longer the CRM's to hear. Streams itself keeps running.
func (s *Softphone) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
}

// AgentStateOf describes an agent state as the vendor page's Message Parameters table does: label and code are
// the state's name ("Available", "Not Ready"), type its routability ("Routable", "Not Routable", "Offline").
func AgentStateOf(a Agent) *AgentStateMessage {
	var t string
	switch a.Type {
	case AgentTypeRoutable:
		t = "Routable"
	case AgentTypeNotRoutable:
		t = "Not Routable"
	case AgentTypeOffline:
		t = "Offline"
	case AgentTypeSystem:
		t = "System"
	case AgentTypeError:
		t = "Error"
	default:
		t = "Init"
	}
	return &AgentStateMessage{Label: a.Name, Code: a.Name, Type: t}
}

// actionKey identifies an action for de-duplication: the same kind on the same contact and connection.
func actionKey(a Action) string {
	return string(a.Kind) + "|" + a.ContactID + "|" + a.ConnectionID
}

// Encode writes an envelope as JSON.
func Encode(env *Envelope) []byte {
	var w jwriter.Writer
	env.MarshalEasyJSON(&w)
	b, _ := w.BuildBytes() // jwriter only fails on a broken custom marshaler; ours write valid JSON
	return b
}

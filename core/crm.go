package core

import (
	"strconv"
	"strings"
	"sync"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// Names of the deliveries a CRM hands to the page's callbacks (bridge.on(name, cb)).
const (
	OnCallStateChange  = SubtopicInboundCallStateChange // message of each call event
	OnAgentStateChange = SubtopicAgentStateChange       // message with agent {label, code, type}
	OnSnapshot         = SubtopicSnapshot               // the softphone's full state, after a (re)start or a gap
	OnDiagnostic       = "diagnostic"                   // a Diagnostic: rejected message, drift, reload
)

// Delivery is one callback invocation a role asks for: Payload (JSON) goes to the callbacks of Name (a softphone
// asks only for OnDiagnostic). Payload is the role's own (never a slice of the data given to Receive) and
// nothing writes to it afterwards.
type Delivery struct {
	Name    string
	Payload []byte
}

// Result is how a request ended: Message (the JSON of the envelope's message that completed it) or Err.
type Result struct {
	Message []byte
	Err     *Error
}

// Request is one call control sent to the softphone. It ends exactly once: Done is closed when it has, and
// Result then says how.
type Request struct {
	ID      string
	Control Control
	seq     uint64 // the number in ID: the order in which requests were sent
	done    chan struct{}
	result  Result

	// topic and subtopic are what was sent (an error envelope of the same names rejects the request).
	topic, subtopic string
	// byEvent: the request ends with the event it causes (crmvendor.go, completesCall and completesAgent), not
	// with an acknowledgement, because it went to a peer that sends none (the vendor's softphone).
	byEvent bool
	// party is the non-agent connection a Hold, Resume or Disconnect names ("" for the customer's leg or the
	// whole call); contactID the contact held when the request was sent; asked the agent state a SetNotReady
	// or UpdateState asks for.
	party, contactID string
	asked            AgentStateMessage
}

// Done is closed when the request has ended.
func (r *Request) Done() <-chan struct{} { return r.done }

// Result returns how the request ended; it is only meaningful once Done is closed.
func (r *Request) Result() Result { return r.result }

// CRM is the CRM role: it sends requests, checks every envelope the softphone sends, keeps the call state
// they describe and computes the call bar from it. Create it with NewCRM; it is safe for concurrent use.
type CRM struct {
	source string
	epoch  string

	mu        sync.Mutex
	send      Sender
	nextID    uint64
	peerEpoch string // the softphone's epoch, "" until it has sent one
	peerSeq   uint64
	contact   *Contact
	agent     *AgentStateMessage
	agentView agentView           // what the vendor's agent messages said, for the agent buttons
	heard     bool                // a call event, snapshot or agent state has arrived (Begin)
	synced    bool                // a Snapshot or an InboundCall/StateSync has told the whole call (helloLocked)
	starting  bool                // the last App/StateSync said the softphone has not loaded: its StateSyncs know nothing yet
	requests  map[string]*Request // pending, by id
	answer    *Request            // the pending Answer, which a second answerCall joins
	closed    bool
	failure   string // why the softphone could not start, as it reported; "" otherwise

	// Diagnostics counts every rejected message and every anomaly by reason.
	Diagnostics Counters
}

// NewCRM returns the CRM role. source goes into every request's "source" (the vendor page's
// <<app-name-broadcasting-this-message>>); epoch identifies this life of the CRM page. It posts a Hello, so
// that a softphone already running answers with its full state.
func NewCRM(source, epoch string, send Sender) *CRM {
	c := &CRM{source: source, epoch: epoch, send: send, requests: map[string]*Request{}}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.helloLocked()
	return c
}

// Hello posts the handshake again. A CRM that has not heard from the softphone yet repeats it, because the
// softphone's window may not have been listening when the first one was posted.
func (c *CRM) Hello() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.helloLocked()
}

// Connected reports whether a valid envelope from a ctibridge softphone has been received.
func (c *CRM) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peerEpoch != ""
}

// helloLocked posts the Hello (repeated until a ctibridge softphone answers it with its Snapshot) and, until the
// CRM knows the call, the vendor's three StateSyncs: a softphone of the vendor's pages ignores the Hello, and a
// CRM page loaded in the middle of a call would otherwise know nothing of it until a leg changes.
func (c *CRM) helloLocked() {
	_ = c.send(Encode(&Envelope{Channel: ChannelAmazon, Topic: TopicBridge, Subtopic: SubtopicHello, Source: c.source,
		Epoch: c.epoch, Version: ProtocolVersion}))
	if c.peerEpoch != "" || c.synced {
		return
	}
	for _, topic := range [...]string{TopicApp, TopicAgent, TopicInboundCall} {
		_ = c.send(Encode(&Envelope{Channel: ChannelAmazon, Topic: topic, Subtopic: SubtopicStateSync, Source: c.source,
			Version: ProtocolVersion}))
	}
}

// Begin starts control ctrl with args (may be nil). A control whose button is not Enable in the call bar of
// the state this CRM holds ends at once with a CauseNotAllowed error, and nothing is sent; a second Answer
// while one is pending returns the pending one, so that Streams is asked once.
//
// A CRM that holds no state yet (it has received no call event, snapshot or agent state) sends the request
// and lets the softphone decide: "no state yet" is not "no call". A CRM page loaded while a call rings, next
// to a softphone that does not answer the handshake (the vendor's), hears nothing until the call changes, and
// must still be able to answer it.
func (c *CRM) Begin(ctrl Control, args *RequestArgs) *Request {
	return c.begin(ctrl, callRequest(ctrl, args))
}

// Abandon ends r with cause (CauseTimeout when no reply came in time) unless it has already ended.
func (c *CRM) Abandon(r *Request, cause Cause, code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settleLocked(r, Result{Err: r.Control.Fail(cause, code)})
}

// Close ends every pending request with CauseClosed; later requests end the same way at once.
func (c *CRM) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for _, r := range c.requests {
		c.settleLocked(r, Result{Err: r.Control.Closed()})
	}
}

func (c *CRM) failAllLocked(cause Cause, code string) {
	for _, r := range c.requests {
		c.settleLocked(r, Result{Err: r.Control.Fail(cause, code)})
	}
}

// settleLocked ends r once; later calls do nothing.
func (c *CRM) settleLocked(r *Request, res Result) {
	select {
	case <-r.done:
		return
	default:
	}
	r.result = res
	close(r.done)
	delete(c.requests, r.ID)
	if c.answer == r {
		c.answer = nil
	}
}

// Reject records a message refused before decoding (wrong origin or source window, not JSON, too large) and
// returns its diagnostic delivery.
func (c *CRM) Reject(reason Reason, origin, detail string) Delivery {
	c.Diagnostics.Add(reason)
	return diagnosticDelivery(Diagnostic{Reason: reason, Origin: origin, Detail: detail})
}

// Receive handles one message from the softphone's window (admitted by its Gate, CRMGate) and returns
// the callbacks to call, in order. A message that is not a valid envelope changes nothing and yields only a
// diagnostic.
func (c *CRM) Receive(data []byte, origin string) []Delivery {
	env, err := DecodeEnvelope(data)
	if err != nil {
		de, _ := err.(*DecodeError)
		if de.Reason == ReasonUnknownTopic {
			if out, ok := c.receiveVendor(data, origin); ok {
				return out
			}
		}
		if de.Reason == ReasonVersion && env.Topic == TopicBridge && env.Subtopic == SubtopicHello {
			// The handshake decides versions: a softphone whose Hello speaks another version cannot serve this
			// CRM, so every request fails at once, saying why, instead of timing out. Any other envelope of
			// another version is only refused.
			c.mu.Lock()
			c.failure = "the softphone " + de.Detail + "; this CRM speaks " + strconv.Itoa(ProtocolVersion) +
				": load the same ctibridge version on both pages"
			c.failAllLocked(CauseNotReady, c.failure)
			c.mu.Unlock()
		}
		return []Delivery{c.Reject(de.Reason, origin, de.Detail)}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Delivery
	diag := func(r Reason, detail string) {
		c.Diagnostics.Add(r)
		out = append(out, diagnosticDelivery(Diagnostic{Reason: r, Origin: origin, Detail: detail}))
	}
	if env.Message == nil && env.Topic != TopicBridge {
		diag(ReasonUnexpected, "a request sent to the CRM: "+env.Topic+"/"+env.Subtopic)
		return out
	}
	c.trackSequenceLocked(&env, diag)

	switch {
	case env.Topic == TopicBridge && env.Subtopic == SubtopicHello && env.Message != nil && env.Message.Error != nil &&
		env.Message.Error.Type == ErrorTypeVersionMismatch && env.RequestID != c.epoch:
		// The softphone refused another page's Hello, not this CRM's.
		diag(ReasonVersion, env.Message.Error.Code)
	case env.Topic == TopicBridge && env.Subtopic == SubtopicHello && env.Message != nil && env.Message.Error != nil:
		// The softphone is up but could not start Streams: nothing it is asked can work.
		if c.failure == "" {
			diag(ReasonPeerFailed, env.Message.Error.Code)
		}
		c.failure = strings.Clone(env.Message.Error.Code) // held for as long as the softphone stays failed
		c.failAllLocked(CauseNotReady, c.failure)
	case env.Topic == TopicBridge && env.Subtopic == SubtopicHello:
		// The softphone (re)started; its epoch was noted above. Ask for its state.
		c.failure = ""
		c.helloLocked()
	case env.Topic == TopicBridge && env.Subtopic == SubtopicSnapshot:
		out = c.applySnapshotLocked(&env, out)
	case env.Topic == TopicAgent && env.Subtopic == SubtopicAgentStateChange:
		if env.Message.Agent == nil {
			diag(ReasonBadShape, "AgentStateChange without agent")
			return out
		}
		c.keepAgentLocked(env.Message.Agent)
		c.heard = true
		out = append(out, Delivery{OnAgentStateChange, messageText(&env)})
	case env.Topic == TopicAgent && env.Subtopic == SubtopicSetAgentState && env.Message.Error == nil:
		if env.Message.AgentData != nil {
			out = append(out, c.applyAgentEventLocked(&env)...)
		} else {
			diag(ReasonBadShape, "SetAgentState without data")
		}
	case env.Subtopic == SubtopicInboundCallStateChange:
		if env.Message.Call == nil {
			diag(ReasonBadShape, "InboundCallStateChange without call")
			return out
		}
		out = append(out, c.applyCallLocked(&env, env.Message.Call, diag)...)
	default: // a reply to a control or to SetAgentState
		c.replyLocked(&env, diag)
	}
	return out
}

// trackSequenceLocked notes the softphone's epoch and sequence: a new epoch means it reloaded (pending
// requests can never be answered and fail now); a gap means envelopes were lost (ask for a snapshot).
func (c *CRM) trackSequenceLocked(env *Envelope, diag func(Reason, string)) {
	if env.Epoch == "" { // a vendor-page softphone: no handshake
		return
	}
	switch {
	case env.Epoch != c.peerEpoch:
		if c.peerEpoch != "" {
			diag(ReasonPeerReloaded, "the softphone reloaded")
			c.failAllLocked(CauseReloaded, "The softphone reloaded while the request was pending.")
			if env.Subtopic != SubtopicHello {
				c.helloLocked()
			}
		}
		keep(&c.peerEpoch, env.Epoch)
	case env.Seq != c.peerSeq+1:
		diag(ReasonSequenceGap, "expected "+strconv.FormatUint(c.peerSeq+1, 10)+", got "+strconv.FormatUint(env.Seq, 10))
		c.helloLocked()
	}
	c.peerSeq = env.Seq
}

// applyCallLocked folds one call event into the contact: a new contact id starts a new contact, an event older
// than the state held for its connection is dropped, and the event's ButtonStates are checked against the
// table for the state it reports.
// It returns the event's own delivery; diagnostics go through diag, which appends to the caller's list.
func (c *CRM) applyCallLocked(env *Envelope, ev *CallEvent, diag func(Reason, string)) []Delivery {
	conn := ev.Connection()
	c.heard = true
	if c.contact == nil || c.contact.ID != ev.ResponseActual.ContactID {
		c.contact = &Contact{Type: "voice"}
	}
	ct := c.contact
	keepCallStrings(ct, ev)
	held := ct.Connection(conn.ID)
	if held != nil && conn.Since < held.Since {
		diag(ReasonStaleEvent, "connection "+conn.ID+" is already "+string(held.State)+" since a later time")
		return nil
	}
	if held != nil && *held == conn {
		return nil // a repeat of what is held (for example after a snapshot): nothing changed
	}
	subject := len(ct.Connections)
	if held != nil {
		keepConnection(held, conn)
		for i := range ct.Connections {
			if ct.Connections[i].ID == conn.ID {
				subject = i
			}
		}
	} else {
		ct.Connections = append(ct.Connections, Connection{})
		keepConnection(&ct.Connections[subject], conn)
	}
	if want := Buttons(ct.Connections, subject); want != ev.ButtonStates {
		diag(ReasonDrift, driftDetail(ev.ButtonStates, want))
	}
	msg := messageText(env)
	c.completeAnswerLocked(env.RequestID, &conn, msg)
	c.completeCallLocked(env, ev, &conn, msg)
	return []Delivery{{OnCallStateChange, msg}}
}

// keep sets *held to a copy of s unless they are equal. A CRM holds a contact and the agent's state for as long
// as they last: it keeps copies of their strings, not the views of an envelope that DecodeEnvelope returns,
// which would keep each whole envelope alive, and copies nothing in the steady state.
func keep(held *string, s string) {
	if *held != s {
		*held = strings.Clone(s)
	}
}

func keepConnection(held *Connection, c Connection) {
	keep(&held.ID, c.ID)
	held.Type, held.State = constant(c.Type, connectionTypes), constant(c.State, connectionStates)
	held.Since = c.Since
	keep(&held.PhoneNumber, c.PhoneNumber)
}

// constant returns the element of known equal to s (a string of the program, not of an envelope), or a copy of s
// (which Validate makes unreachable today, and keeps right should it admit a value it does not list).
func constant[T ~string](s T, known []T) T {
	for _, k := range known {
		if s == k {
			return k
		}
	}
	return T(strings.Clone(string(s)))
}

// keepCallStrings keeps what a call event says of its contact; a number the event does not carry is left as held.
func keepCallStrings(ct *Contact, ev *CallEvent) {
	keep(&ct.ID, ev.ResponseActual.ContactID)
	if ev.CallVariables.ANI != nil {
		keep(&ct.ANI, *ev.CallVariables.ANI)
	}
	if ev.CallVariables.DNIS != nil {
		keep(&ct.DNIS, *ev.CallVariables.DNIS)
	}
	keep(&ct.QueueName, ev.ResponseFields.MediaProperties.QueueName)
}

func (c *CRM) keepAgentLocked(a *AgentStateMessage) {
	if c.agent == nil {
		c.agent = &AgentStateMessage{}
	}
	keep(&c.agent.Label, a.Label)
	keep(&c.agent.Code, a.Code)
	keep(&c.agent.Type, a.Type)
}

// completeAnswerLocked ends the pending Answer when the agent's leg connects (with the event's message), or
// fails it when the agent's leg ends first (the call was missed, rejected or hung up while answering).
func (c *CRM) completeAnswerLocked(requestID string, conn *Connection, msg []byte) {
	r := c.answer
	if r == nil || !conn.IsAgentLeg() || (requestID != "" && requestID != r.ID) {
		return
	}
	switch conn.State {
	case ConnConnected:
		c.settleLocked(r, Result{Message: msg})
	case ConnDisconnected:
		c.settleLocked(r, Result{Err: r.Control.Fail(CauseCallEnded, "The call ended before it was answered.")})
	}
}

// applySnapshotLocked replaces the state with the softphone's full snapshot.
func (c *CRM) applySnapshotLocked(env *Envelope, out []Delivery) []Delivery {
	c.contact, c.heard, c.synced = nil, true, true
	if env.Message.Agent != nil {
		c.keepAgentLocked(env.Message.Agent)
	}
	for i := range env.Message.Calls {
		ev := &env.Message.Calls[i]
		if c.contact == nil {
			c.contact = &Contact{Type: "voice"}
			keepCallStrings(c.contact, ev)
		}
		c.contact.Connections = append(c.contact.Connections, Connection{})
		keepConnection(&c.contact.Connections[len(c.contact.Connections)-1], ev.Connection())
	}
	out = append(out, Delivery{OnSnapshot, messageText(env)})
	// A pending Answer whose connected event was lost in a reload or a gap ends with the agent leg's call
	// event from the snapshot, shaped as the InboundCallStateChange message it would have been.
	for i := range env.Message.Calls {
		ev := &env.Message.Calls[i]
		if conn := ev.Connection(); conn.IsAgentLeg() {
			c.completeAnswerLocked("", &conn, encodeMessage(&Message{Call: ev, Source: SourceEvent}))
		}
	}
	return out
}

// replyLocked ends the request a reply names. A reply without a request id (a vendor-page softphone) ends the
// oldest pending request of its subtopic (by sequence: as text, "…-10" comes before "…-9"); a reply to no
// pending request is a diagnostic, never a callback.
func (c *CRM) replyLocked(env *Envelope, diag func(Reason, string)) {
	var r *Request
	if env.RequestID != "" {
		r = c.requests[env.RequestID]
	} else if env.Message.Error != nil {
		for _, p := range c.requests {
			if p.topic == env.Topic && p.subtopic == env.Subtopic && (r == nil || p.seq < r.seq) {
				r = p
			}
		}
	}
	if r == nil || r.subtopic != env.Subtopic {
		diag(ReasonUnknownRequest, "a reply to no pending "+env.Subtopic+" request")
		return
	}
	if e := env.Message.Error; e != nil {
		c.settleLocked(r, Result{Err: ErrorFromWire(e)})
		return
	}
	if r.Control.IsAnswer() {
		return // an Answer ends with the connected event, not with the acknowledgement
	}
	c.settleLocked(r, Result{Message: messageText(env)})
}

// CallBar returns the call bar of the state this CRM holds, with the reason for each button.
func (c *CRM) CallBar() Decision {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.contact == nil {
		return Aggregate(nil)
	}
	return Aggregate(c.contact.Connections)
}

// PeerFailure returns why the softphone could not start, as it reported, or "".
func (c *CRM) PeerFailure() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failure
}

// Agent returns the agent's state as last reported, or nil before any report.
func (c *CRM) Agent() *AgentStateMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.agent == nil {
		return nil
	}
	a := *c.agent
	return &a
}

// MarshalCallBar writes a Decision as {"answer": {"state": "Enable", "reason": "AGENT_RINGING"}, ...}.
func MarshalCallBar(d Decision) []byte {
	var w jwriter.Writer
	w.RawByte('{')
	for b := Button(0); b < ButtonCount; b++ {
		if b > 0 {
			w.RawByte(',')
		}
		w.String(b.String())
		w.RawString(`:{"state":`)
		w.String(d.States[b].String())
		w.RawString(`,"reason":`)
		w.String(string(d.Reasons[b]))
		w.RawByte('}')
	}
	w.RawByte('}')
	return w.Buffer.BuildBytes()
}

func driftDetail(got, want ButtonStates) string {
	detail := ""
	for b := Button(0); b < ButtonCount; b++ {
		if got[b] != want[b] {
			if detail != "" {
				detail += ", "
			}
			detail += b.String() + ": softphone " + got[b].String() + ", table " + want[b].String()
		}
	}
	return detail
}

// messageText returns the message of env as the softphone sent it (callbacks get exactly that): a slice of
// DecodeEnvelope's own copy of its input, or encoded, for an envelope this CRM did not decode.
func messageText(env *Envelope) []byte {
	if env.rawMessage != nil {
		return env.rawMessage
	}
	return encodeMessage(env.Message)
}

func encodeMessage(m *Message) []byte {
	var w jwriter.Writer
	m.MarshalEasyJSON(&w)
	return w.Buffer.BuildBytes()
}

func diagnosticDelivery(d Diagnostic) Delivery { return Delivery{OnDiagnostic, EncodeDiagnostic(d)} }

// EncodeDiagnostic writes a Diagnostic as {"reason": ..., "origin": ..., "detail": ...}.
func EncodeDiagnostic(d Diagnostic) []byte {
	var w jwriter.Writer
	w.RawString(`{"reason":`)
	w.String(string(d.Reason))
	if d.Origin != "" {
		w.RawString(`,"origin":`)
		w.String(d.Origin)
	}
	if d.Detail != "" {
		w.RawString(`,"detail":`)
		w.String(d.Detail)
	}
	w.RawByte('}')
	return w.Buffer.BuildBytes()
}

//go:build js && wasm

package wasm

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// streamsTimeout bounds how long an action waits for Streams' callback. Streams itself has no timeout (a call
// whose reply never comes never calls back); this one releases the callbacks and fails the request.
const streamsTimeout = 30 * time.Second

// streamsAdapter implements core.StreamsPort on the real amazon-connect-streams global "connect" (or on a
// fake with the same shape in tests). The calls it makes are listed in docs/buttonstates.md ("What each control does in Streams").
type streamsAdapter struct {
	rt      *jsRuntime
	connect safejs.Value
	// panicked reports a panic recovered in a Streams callback (a PANIC diagnostic).
	panicked func(any)
}

var _ core.StreamsPort = (*streamsAdapter)(nil)

var errNoStreams = errors.New("amazon-connect-streams is not loaded: add <script src=\"connect-streams-min.js\"> before load(), or pass it as the connect option")

// streamsGlobal returns the connect option, else the global connect of amazon-connect-streams.
func streamsGlobal(rt *jsRuntime, opts safejs.Value) (safejs.Value, error) {
	c, err := rt.getGuarded(opts, "connect")
	if err == nil && c.Type() == safejs.TypeObject {
		return c, nil
	}
	c, err = rt.global.Get("connect")
	if err != nil || c.Type() != safejs.TypeObject {
		return safejs.Value{}, errNoStreams
	}
	if core, err := c.Get("core"); err != nil || core.Type() != safejs.TypeObject {
		return safejs.Value{}, errNoStreams
	}
	return c, nil
}

// path walks a dotted chain of properties from the connect global: path("core", "getClient").
func (s *streamsAdapter) path(names ...string) (safejs.Value, error) {
	v := s.connect
	for _, n := range names {
		var err error
		if v, err = v.Get(n); err != nil {
			return v, err
		}
		if v.IsUndefined() {
			return v, errors.New("connect." + n + " is missing: is this amazon-connect-streams?")
		}
	}
	return v, nil
}

// coreCall calls connect.core.<method>(args...).
func (s *streamsAdapter) coreCall(method string, args ...any) (safejs.Value, error) {
	c, err := s.path("core")
	if err != nil {
		return c, err
	}
	return c.Call(method, args...)
}

func (s *streamsAdapter) initCCP(container, params safejs.Value) error {
	_, err := s.coreCall("initCCP", container, params)
	return err
}

// subscribe has ch hand the role the JSON of every agent snapshot Streams applies: the EventBus's agent REFRESH
// fires on every agent::update, before Streams' own agent and contact events, so snapshots arrive in Streams'
// order. If Streams already holds a snapshot (the page initialised it before load), it is handed over at once.
// Only keys are serialised (core.AttributeAllowlist.SnapshotKeys: the contact attributes not allowed never leave
// Streams' objects), and, of the agent's configuration that comes with every snapshot (who the agent is:
// agentInfo), only core.ConfigurationKeys. The subscription ends with ch.
func (s *streamsAdapter) subscribe(ch *channel, snapshotKeys []string) error {
	event, err := s.path("AgentEvents", "REFRESH")
	if err != nil {
		return err
	}
	jsCore, err := s.path("core")
	if err != nil {
		return err
	}
	keys, err := s.keys(snapshotKeys)
	if err != nil {
		return err
	}
	configKeys, err := s.keys(core.ConfigurationKeys)
	if err != nil {
		return err
	}
	return ch.feed(jsCore, event, keys, configKeys)
}

// keys returns a JavaScript array of the strings of list, a replacer for JSON.stringify.
func (s *streamsAdapter) keys(list []string) (safejs.Value, error) {
	b := []byte{'['}
	for i, k := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
	}
	return s.rt.parseJSON(append(b, ']'))
}

// Do performs one action through Streams' public API. Accept is the exception: contact.accept() reports every
// failure as the bare string "error" (notes/streams-protocol.md §2), so the bridge makes the same client call
// that accept makes, keeps Amazon's message, and on success sends the same two "accepted" broadcasts
// (Contact.prototype.accept in amazon-connect-streams release/connect-streams.js), so that onAccepted still fires.
func (s *streamsAdapter) Do(a core.Action, done func(error)) {
	if err := s.do(a, done); err != nil {
		done(err)
	}
}

func (s *streamsAdapter) do(a core.Action, done func(error)) error {
	switch a.Kind {
	case core.ActMute, core.ActUnmute:
		// Synchronous in Streams, with no callbacks: mute and unmute act on the page's own microphone.
		s.end(s.mute(a.Kind == core.ActMute), nil, done)
		return nil
	case core.ActLogin:
		s.login(a.URL, done)
		return nil
	case core.ActLogout:
		s.loadLogout(a.URL, done)
		return nil
	}
	var onSuccess func()
	if a.Kind == core.ActAccept {
		onSuccess = func() { s.broadcastAccepted(a.ContactID) }
	}
	cbs, err := s.callbacks(done, onSuccess)
	if err != nil {
		return err
	}
	switch a.Kind {
	case core.ActAccept:
		client, err := s.coreCall("getClient")
		if err != nil {
			return cbs.fail(err)
		}
		params, _ := s.rt.object.New()
		_ = params.Set("contactId", a.ContactID)
		_, err = client.Call("call", "acceptContact", params, cbs.value)
		return cbs.fail(err)
	case core.ActReject, core.ActClear, core.ActToggle, core.ActConference:
		contact, err := s.contact(a.ContactID)
		if err != nil {
			return cbs.fail(err)
		}
		method := map[core.ActionKind]string{core.ActReject: "reject", core.ActClear: "clear",
			core.ActToggle: "toggleActiveConnections", core.ActConference: "conferenceConnections"}[a.Kind]
		_, err = contact.Call(method, cbs.value)
		return cbs.fail(err)
	case core.ActDestroy, core.ActHold, core.ActResume, core.ActSendDigits:
		conn, err := s.connection(a.ContactID, a.ConnectionID)
		if err != nil {
			return cbs.fail(err)
		}
		switch a.Kind {
		case core.ActDestroy:
			_, err = conn.Call("destroy", cbs.value)
		case core.ActHold:
			_, err = conn.Call("hold", cbs.value)
		case core.ActResume:
			_, err = conn.Call("resume", cbs.value)
		default:
			_, err = conn.Call("sendDigits", a.Digits, cbs.value)
		}
		return cbs.fail(err)
	case core.ActAddConnection:
		return cbs.fail(s.addConnection(a, cbs))
	case core.ActSetAgentState:
		return cbs.fail(s.setAgentState(a.AgentState, cbs))
	case core.ActConnect:
		return cbs.fail(s.connectOut(a, cbs))
	}
	return cbs.fail(errors.New("unknown action " + string(a.Kind)))
}

// mute calls agent.mute() (on true) or agent.unmute(), which take no callbacks.
func (s *streamsAdapter) mute(on bool) error {
	agent, err := s.agent()
	if err != nil {
		return err
	}
	method := "mute"
	if !on {
		method = "unmute"
	}
	_, err = agent.Call(method)
	return err
}

// connectOut dials out from the agent's phone: agent.connect(endpoint, {success, failure}), to a phone number
// (connect.Endpoint.byPhoneNumber), to the endpoint a request names, or to a quick connect found by name.
func (s *streamsAdapter) connectOut(a core.Action, cbs *callbackPair) error {
	agent, err := s.agent()
	if err != nil {
		return err
	}
	return s.withEndpoint(a, cbs, func(ep safejs.Value) error {
		_, err := agent.Call("connect", ep, cbs.value)
		return err
	})
}

// endpoint is the Streams endpoint of an action's target: the request's endpoint object, with Streams' own key
// names, or connect.Endpoint.byPhoneNumber(number).
func (s *streamsAdapter) endpoint(a core.Action) (safejs.Value, error) {
	if e := a.Endpoint; e != nil {
		obj, err := s.rt.object.New()
		if err != nil {
			return obj, err
		}
		for k, v := range map[string]string{"endpointARN": e.ARN, "endpointId": e.ID, "type": e.Type, "name": e.Name,
			"phoneNumber": e.PhoneNumber, "agentLogin": e.AgentLogin, "queue": e.Queue} {
			if v != "" {
				_ = obj.Set(k, v)
			}
		}
		return obj, nil
	}
	ctor, err := s.path("Endpoint")
	if err != nil {
		return ctor, err
	}
	return ctor.Call("byPhoneNumber", a.PhoneNumber)
}

// callbackPair is the {success, failure} object of one Streams call: a one-shot pair (kind (b) of house rule
// 3), released together by whichever runs first, or by the timeout.
type callbackPair struct {
	value  safejs.Value
	finish func(error)
}

// fail ends the pair at once with err if err is not nil (the call could not even be made), and returns nil
// so that Do does not report it twice.
func (p *callbackPair) fail(err error) error {
	if err != nil {
		p.finish(err)
	}
	return nil
}

func (s *streamsAdapter) callbacks(done func(error), onSuccess func()) (*callbackPair, error) {
	var success, failure safejs.Func
	var once sync.Once
	var timer *time.Timer
	finish := func(err error) {
		once.Do(func() {
			timer.Stop()
			success.Release()
			failure.Release()
			s.end(err, onSuccess, done)
		})
	}
	timer = time.AfterFunc(streamsTimeout, func() { finish(errors.New("Amazon Connect did not answer within 30 s.")) })
	var err error
	onPanic := s.recovered(finish)
	if success, err = safejs.FuncOf(guard(func(safejs.Value, []safejs.Value) any { finish(nil); return nil }, onPanic)); err != nil {
		timer.Stop()
		return nil, err
	}
	if failure, err = safejs.FuncOf(guard(func(_ safejs.Value, args []safejs.Value) any {
		finish(errors.New(core.AmazonMessage(s.errorText(args, 0), s.errorText(args, 1))))
		return nil
	}, onPanic)); err != nil {
		timer.Stop()
		success.Release()
		return nil, err
	}
	obj, err := s.rt.object.New()
	if err != nil {
		finish(err)
		return nil, err
	}
	_ = obj.Set("success", success)
	_ = obj.Set("failure", failure)
	return &callbackPair{value: obj, finish: finish}, nil
}

// recovered returns what a Streams callback does with a panic: report it, and end the call with an internal
// error at once (finish does nothing if the call has ended), rather than leave its request to time out.
//
// Not inlined, like guard: inlined, each caller carries its own copy of the closure (2 KB of the module); it
// runs once per Streams call.
//
//go:noinline
func (s *streamsAdapter) recovered(finish func(error)) func(any) {
	return func(p any) {
		s.panicked(p)
		finish(panicError(p))
	}
}

// end runs onSuccess (after a success) and done. A panic in either is reported, and done is called (again, if
// the panic was its own: the softphone then replies to the requests it still holds for the action) with an
// internal error, so that the request ends at once. A panic in that call is only reported: end may run on the
// timer's goroutine, where an unrecovered panic would stop the Go runtime.
func (s *streamsAdapter) end(err error, onSuccess func(), done func(error)) {
	p := recovering(func() {
		if err == nil && onSuccess != nil {
			onSuccess()
		}
		done(err)
	})
	if p == nil {
		return
	}
	s.panicked(p)
	if p := recovering(func() { done(panicError(p)) }); p != nil {
		s.panicked(p)
	}
}

// recovering runs f and returns what it panicked with, or nil.
func recovering(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// panicError is the error a Streams call ends with when ctibridge panicked while handling its callback.
func panicError(p any) *core.Error {
	return &core.Error{Type: core.ErrorTypeInternal, Code: "ctibridge failed internally while handling Amazon Connect's answer: " +
		fmt.Sprint(p), Message: "ctibridge failed internally.", Cause: core.CauseInternal}
}

// errorText turns a failure callback's argument i (the worker's JSON string, or an object) into text.
func (s *streamsAdapter) errorText(args []safejs.Value, i int) string {
	if len(args) <= i || args[i].IsNull() || args[i].IsUndefined() {
		return ""
	}
	v := args[i]
	if v.Type() != safejs.TypeString {
		text, err := s.rt.json.Call("stringify", v)
		if err != nil || text.Type() != safejs.TypeString {
			return ""
		}
		v = text
	}
	str, _ := v.String()
	return str
}

func (s *streamsAdapter) contact(id string) (safejs.Value, error) {
	ctor, err := s.path("Contact")
	if err != nil {
		return ctor, err
	}
	return ctor.New(id)
}

// connection finds a connection of a contact by id among contact.getConnections().
func (s *streamsAdapter) connection(contactID, connectionID string) (safejs.Value, error) {
	contact, err := s.contact(contactID)
	if err != nil {
		return contact, err
	}
	conns, err := contact.Call("getConnections")
	if err != nil {
		return conns, err
	}
	n, err := conns.Length()
	if err != nil {
		return conns, err
	}
	for i := 0; i < n; i++ {
		c, err := conns.Index(i)
		if err != nil {
			return c, err
		}
		id, err := c.Call("getConnectionId")
		if err != nil {
			return id, err
		}
		if str, _ := id.String(); str == connectionID {
			return c, nil
		}
	}
	return safejs.Value{}, errors.New("connection " + connectionID + " is not on the contact any more")
}

// addConnection adds the action's target to its contact: contact.addConnection(endpoint).
func (s *streamsAdapter) addConnection(a core.Action, cbs *callbackPair) error {
	contact, err := s.contact(a.ContactID)
	if err != nil {
		return err
	}
	return s.withEndpoint(a, cbs, func(ep safejs.Value) error {
		_, err := contact.Call("addConnection", ep, cbs.value)
		return err
	})
}

// withEndpoint calls use with the Streams endpoint of an action's target: a phone number or the endpoint the
// request names at once, a quick connect named a.QuickConnect once agent.getEndpoints(agent.getAllQueueARNs())
// has found it. An error after the lookup ends cbs.
func (s *streamsAdapter) withEndpoint(a core.Action, cbs *callbackPair, use func(safejs.Value) error) error {
	if a.QuickConnect == "" {
		ep, err := s.endpoint(a)
		if err != nil {
			return err
		}
		return use(ep)
	}
	agent, err := s.agent()
	if err != nil {
		return err
	}
	arns, err := agent.Call("getAllQueueARNs")
	if err != nil {
		return err
	}
	var found, lost safejs.Func
	release := func() { found.Release(); lost.Release() }
	found, err = safejs.FuncOf(guard(func(_ safejs.Value, args []safejs.Value) any {
		defer release()
		ep, ok := findEndpoint(args, a.QuickConnect)
		if !ok {
			cbs.finish(errors.New("no quick connect named " + a.QuickConnect))
			return nil
		}
		if err := use(ep); err != nil {
			cbs.finish(err)
		}
		return nil
	}, s.recovered(cbs.finish)))
	if err != nil {
		return err
	}
	lost, err = safejs.FuncOf(guard(func(_ safejs.Value, args []safejs.Value) any {
		defer release()
		cbs.finish(errors.New(core.AmazonMessage(s.errorText(args, 0), s.errorText(args, 1))))
		return nil
	}, s.recovered(cbs.finish)))
	if err != nil {
		found.Release()
		return err
	}
	query, _ := s.rt.object.New()
	_ = query.Set("success", found)
	_ = query.Set("failure", lost)
	if _, err = agent.Call("getEndpoints", arns, query); err != nil {
		release() // neither will be called: getEndpoints threw (releasing twice is harmless, if it called one first)
		return err
	}
	return nil
}

// findEndpoint picks the endpoint named name in getEndpoints' {endpoints: [...]} result.
func findEndpoint(args []safejs.Value, name string) (safejs.Value, bool) {
	if len(args) == 0 {
		return safejs.Value{}, false
	}
	list, err := args[0].Get("endpoints")
	if err != nil {
		return safejs.Value{}, false
	}
	return findByName(list, name)
}

// findByName returns the element of a JS array whose name property is name.
func findByName(list safejs.Value, name string) (safejs.Value, bool) {
	n, _ := list.Length()
	for i := 0; i < n; i++ {
		e, err := list.Index(i)
		if err != nil {
			continue
		}
		if v, err := e.Get("name"); err == nil {
			if str, _ := v.String(); str == name {
				return e, true
			}
		}
	}
	return safejs.Value{}, false
}

func (s *streamsAdapter) agent() (safejs.Value, error) {
	ctor, err := s.path("Agent")
	if err != nil {
		return ctor, err
	}
	return ctor.New()
}

// setAgentState finds the named state among agent.getAgentStates() and calls agent.setState(state).
func (s *streamsAdapter) setAgentState(name string, cbs *callbackPair) error {
	agent, err := s.agent()
	if err != nil {
		return err
	}
	states, err := agent.Call("getAgentStates")
	if err != nil {
		return err
	}
	st, ok := findByName(states, name)
	if !ok {
		return fmt.Errorf("%w: %q", core.ErrAgentStateNotFound, name)
	}
	_, err = agent.Call("setState", st, cbs.value)
	return err
}

// broadcastAccepted sends what Contact.prototype.accept sends upstream on success, so that Streams'
// contact.onAccepted subscribers still fire.
func (s *streamsAdapter) broadcastAccepted(contactID string) {
	upstream, err := s.coreCall("getUpstream")
	if err != nil {
		return
	}
	broadcast, err1 := s.path("EventType", "BROADCAST")
	accepted, err2 := s.path("ContactEvents", "ACCEPTED")
	perContact, err3 := s.coreCall("getContactEventName", accepted, contactID)
	contact, err4 := s.contact(contactID)
	if errors.Join(err1, err2, err3, err4) != nil {
		return
	}
	for _, name := range []safejs.Value{accepted, perContact} {
		msg, _ := s.rt.object.New()
		_ = msg.Set("event", name)
		_ = msg.Set("data", contact)
		_, _ = upstream.Call("sendUpstream", broadcast, msg)
	}
}

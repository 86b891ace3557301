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
	"github.com/ctibridge/ctibridge/core/jwriter"
)

// helloInterval and helloAttempts bound how the CRM repeats its handshake until a softphone answers:
// HubSpot's calling SDK does the same (SYNC every 100 ms for 30 s); a softphone that never answers is
// reported by selfTest and by the requests' timeouts.
const (
	helloInterval = 250 * time.Millisecond
	helloAttempts = 120
)

// crmBridge is the crm role: the object load({role: "crm"}) resolves with.
type crmBridge struct {
	rt        *jsRuntime
	core      *core.CRM
	origin    string // the softphone's exact origin
	gate      *core.Gate
	timeout   time.Duration
	debug     debugMode
	funcs     funcs
	channel   *channel
	recorder  *core.Recorder
	admitted  func(data []byte) // received, made once: a method value made per message would allocate
	at        int64             // when the message being handled arrived (ms since the epoch)
	stop      chan struct{}
	closeOnce sync.Once

	pendingMu sync.Mutex
	pending   []pendingRequest // requests whose Promise is not settled yet
}

// pendingRequest is a request and the Promise its method returned.
type pendingRequest struct {
	req     *core.Request
	promise deferred
}

// newCRM reads the options of load({role: "crm", ...}) and returns the bridge's JavaScript object.
func newCRM(rt *jsRuntime, opts safejs.Value) (safejs.Value, error) {
	b := &crmBridge{rt: rt, stop: make(chan struct{}), recorder: core.NewRecorder(core.RecorderSize)}
	b.admitted = b.received
	win, err := optWindow(rt, opts, "window")
	if err != nil {
		return safejs.Value{}, err
	}
	target, frame, err := softphoneWindow(rt, opts)
	if err != nil {
		return safejs.Value{}, err
	}
	origin, _, err := optString(rt, opts, "softphoneOrigin")
	if err != nil {
		return safejs.Value{}, err
	}
	if b.origin, err = core.ParseOrigin(origin); err != nil {
		return safejs.Value{}, fmt.Errorf("softphoneOrigin: %w", err)
	}
	b.gate = core.CRMGate(b.origin)
	source, ok, err := optString(rt, opts, "source")
	if err != nil {
		return safejs.Value{}, err
	}
	if !ok || source == "" {
		source = "ctibridge"
	}
	if b.timeout, err = optDuration(rt, opts, "timeoutMs", 10*time.Second); err != nil {
		return safejs.Value{}, err
	}
	if b.debug, err = optDebug(rt, opts); err != nil {
		return safejs.Value{}, err
	}
	if b.channel, err = rt.fast.newChannel(target, frame, []string{b.origin}); err != nil {
		return safejs.Value{}, err
	}
	b.core = core.NewCRM(source, newEpoch(), b.post)
	if err := b.channel.serve(b, win); err != nil {
		return safejs.Value{}, err
	}
	go b.repeatHello()
	obj, err := b.object()
	if err != nil {
		b.close(safejs.Undefined(), nil) // the listener, the Hello goroutine and the Funcs made so far
		return safejs.Value{}, err
	}
	return obj, nil
}

// errFrameGone is why nothing can reach a softphone whose iframe is no longer in the page.
var errFrameGone = errors.New("the softphone frame is gone from the page (load a bridge for the frame now in the page)")

// post sends one envelope to the softphone, naming its exact origin.
func (b *crmBridge) post(envelope []byte) error {
	b.recorder.Envelope(now(), "out", envelope)
	b.rt.debug(b.debug, "ctibridge crm →", envelope)
	if !b.channel.post(envelope) {
		return errFrameGone
	}
	return nil
}

// wants every message: one from anywhere but the softphone is reported as a diagnostic (core.CRMGate).
func (b *crmBridge) wants(origin []byte, fromPeer bool) bool { return b.gate.Wants(origin, fromPeer) }

// message hands one "message" event to core, through the gate (origin, then source window, then the kind of
// data, all before any state changes), and runs the callbacks it returns. Rejections reach only "diagnostic"
// callbacks.
func (b *crmBridge) message(m message) {
	in := core.Inbound{Origin: m.origin, FromPeer: m.fromPeer, Kind: m.kind, Data: m.data}
	b.at = now() // one clock read: each costs two calls out to JavaScript
	deliveries := b.gate.Receive(b.core, in, b.admitted)
	b.recorder.CallBar(b.at, b.core.CallBar())
	for _, d := range deliveries {
		b.deliver(d)
	}
	b.settleEnded() // the envelope may have ended a request: its Promise settles now, in this event
}

// received logs and records a message the gate admitted, before core decodes it.
func (b *crmBridge) received(data []byte) {
	b.rt.debug(b.debug, "ctibridge crm ←", data)
	b.recorder.Envelope(b.at, "in", data)
}

// snapshot and configuration are never called: a CRM has no Streams feed.
func (b *crmBridge) snapshot([]byte, bool) {}

func (b *crmBridge) configuration([]byte, bool) {}

func (b *crmBridge) deliver(d core.Delivery) {
	if d.Name == core.OnDiagnostic {
		b.recorder.Diagnostic(now(), d.Payload)
		if b.debug != debugOff {
			b.rt.warn("ctibridge crm diagnostic:", string(d.Payload))
		}
	}
	b.channel.emit(d.Name, d.Payload)
}

// repeatHello repeats the handshake until the softphone answers, the attempts run out, or the bridge closes.
func (b *crmBridge) repeatHello() {
	t := time.NewTicker(helloInterval)
	defer t.Stop()
	for i := 0; i < helloAttempts && !b.core.Connected(); i++ {
		select {
		case <-b.stop:
			return
		case <-t.C:
			if !b.core.Connected() {
				b.core.Hello()
			}
		}
	}
}

func (b *crmBridge) panicked(p any) {
	b.deliver(b.core.Reject(core.ReasonPanic, "", fmt.Sprint(p)))
}

// object builds the JavaScript bridge: one method per call control, plus on, buttons, agentState,
// setAgentState, diagnostics and close.
func (b *crmBridge) object() (safejs.Value, error) {
	obj, err := b.rt.object.New()
	if err != nil {
		return safejs.Value{}, err
	}
	methods := map[string]func(safejs.Value, []safejs.Value) any{
		"buttons":     b.buttons,
		"agentState":  b.agentState,
		"diagnostics": b.diagnostics,
		"close":       b.close,
		"flightRecorder": func(safejs.Value, []safejs.Value) any {
			return b.rt.parseOrNull(b.recorder.Export())
		},
		"selfTest":      b.selfTest,
		"setAgentState": b.request(core.SetAgentStateControl(), agentStateArgs),
	}
	controls := core.Controls()
	closing := append(controls[:], core.SetAgentStateControl())
	for _, ctrl := range controls {
		methods[ctrl.Method] = b.request(ctrl, b.argsParser(ctrl))
	}
	for _, m := range vendorMethods {
		req, _ := core.LookupRequest(m.topic, m.subtopic)
		ctrl := core.VendorControl(m.name, req)
		methods[m.name] = func(_ safejs.Value, args []safejs.Value) any {
			return b.start(ctrl, func() (*core.Request, error) {
				out, err := b.vendorOutgoing(req, args)
				if err != nil {
					return nil, err
				}
				return b.core.Send(m.name, out), nil
			})
		}
		closing = append(closing, ctrl)
	}
	if err := b.funcs.install(obj, methods, b.panicked); err != nil {
		return safejs.Value{}, err
	}
	if err := b.channel.installOn(obj); err != nil {
		return safejs.Value{}, err
	}
	// The error each request method rejects with once the bridge is closed, for the loader: Go releases the
	// bridge's functions when it closes, and the loader then rejects calls itself, with this error.
	errs := []byte("{")
	for i, c := range closing {
		if i > 0 {
			errs = append(errs, ',')
		}
		errs = append(strconv.AppendQuote(errs, c.Method), ':')
		errs = appendErrorJSON(errs, c.Closed())
	}
	errs = append(errs, '}')
	table, err := b.rt.parseJSON(errs)
	if err != nil {
		return safejs.Value{}, err
	}
	if err := obj.Set("closedErrors", table); err != nil {
		return safejs.Value{}, err
	}
	return obj, obj.Set("role", "crm")
}

// request returns the method of one control: it checks and sends the request at once (so that calls made in
// a row are sent in that order) and returns a Promise. The Promise settles when the reply, the error envelope
// or the event that ends the request arrives (in that message's event, settleEnded), or when a goroutine's
// timer gives up on it.
func (b *crmBridge) request(ctrl core.Control, parse func([]safejs.Value) (*core.RequestArgs, error)) func(safejs.Value, []safejs.Value) any {
	return func(_ safejs.Value, args []safejs.Value) any {
		return b.start(ctrl, func() (*core.Request, error) {
			reqArgs, err := parse(args)
			if err != nil {
				return nil, err
			}
			return b.core.Begin(ctrl, reqArgs), nil
		})
	}
}

// start makes the Promise of one request, which begin sends (or refuses, with an INVALID_ARGUMENT error).
func (b *crmBridge) start(ctrl core.Control, begin func() (*core.Request, error)) any {
	p, err := b.rt.fast.deferred()
	if err != nil {
		// Promise.reject needs no deferred: the page still gets a Promise, rejected with why.
		v, _ := b.rt.promise.Call("reject", b.rt.newError(ctrl.Fail(core.CauseInternal, "No Promise could be made: "+err.Error())))
		return v
	}
	req, err := begin()
	if err != nil {
		b.rt.settle(p, nil, ctrl.Fail(core.CauseInvalidArgument, err.Error()))
		return p.promise
	}
	b.pendingMu.Lock()
	b.pending = append(b.pending, pendingRequest{req: req, promise: p})
	b.pendingMu.Unlock()
	select {
	case <-req.Done(): // refused at once (NOT_ALLOWED, closed, the softphone failed or is gone)
		b.settleEnded()
	default:
		go b.expire(req)
	}
	return p.promise
}

// expire gives up on req after the timeout, unless it has ended by then.
func (b *crmBridge) expire(req *core.Request) {
	timer := time.NewTimer(b.timeout)
	defer timer.Stop()
	select {
	case <-req.Done():
	case <-timer.C:
		b.core.Abandon(req, core.CauseTimeout,
			"No reply from the softphone within "+strconv.FormatInt(b.timeout.Milliseconds(), 10)+" ms.")
		b.settleEnded()
	}
}

// settleEnded settles the Promise of every request that has ended.
func (b *crmBridge) settleEnded() {
	b.pendingMu.Lock()
	var ended []pendingRequest
	kept := b.pending[:0]
	for _, p := range b.pending {
		select {
		case <-p.req.Done():
			ended = append(ended, p)
		default:
			kept = append(kept, p)
		}
	}
	clear(b.pending[len(kept):])
	b.pending = kept
	b.pendingMu.Unlock()
	for _, p := range ended {
		res := p.req.Result()
		if res.Err != nil {
			b.rt.settle(p.promise, nil, res.Err)
			continue
		}
		v, err := b.rt.parseJSON(res.Message)
		b.rt.settle(p.promise, v, err)
	}
}

// vendorMethods are the methods of the vendor's requests that are not call controls (web/docs/api.md), with the
// request each sends.
var vendorMethods = [...]struct{ name, topic, subtopic string }{
	{"makeCall", core.TopicInboundCall, "SetMakeCall"},
	{"blindTransfer", core.TopicInboundCall, "Blindtransfer"},
	{"mute", core.TopicAgent, "Mute"},
	{"unmute", core.TopicAgent, "Unmute"},
	{"getAgentState", core.TopicAgent, "GetAgentState"},
	{"login", core.TopicAgent, "Login"},
	{"logout", core.TopicAgent, "Logout"},
	{"setNotReady", core.TopicAgent, "SetNotReady"},
	{"updateState", core.TopicAgent, "UpdateState"},
	{"stateSync", core.TopicInboundCall, core.SubtopicStateSync},
}

// vendorOutgoing reads the JavaScript arguments of the vendor method that sends req.
func (b *crmBridge) vendorOutgoing(req core.VendorRequest, args []safejs.Value) (*core.Outgoing, error) {
	switch req.Subtopic {
	case "SetMakeCall", "Blindtransfer":
		data, err := b.targetData(args)
		return core.Vendor(req, data), err
	case "SetNotReady":
		reason, err := stringArg(args, "reason code id (the name of a not-routable agent state)")
		return core.NotReady(reason), err
	case "UpdateState":
		return b.updateStateArgs(args)
	case core.SubtopicStateSync:
		if len(args) == 0 || args[0].IsUndefined() {
			return core.Vendor(req, nil), nil
		}
		topic, err := stringArg(args, "topic (App, Agent or InboundCall)")
		if r, ok := core.LookupRequest(topic, core.SubtopicStateSync); ok && err == nil && topic != core.TopicOutboundCall {
			return core.Vendor(r, nil), nil
		}
		return nil, errors.New("stateSync takes the topic App, Agent or InboundCall")
	}
	return core.Vendor(req, nil), nil
}

// targetData reads makeCall's and blindTransfer's argument: a phone number (a string) or an endpoint object
// (a quick connect), as JSON; core checks it.
func (b *crmBridge) targetData(args []safejs.Value) (core.RawJSON, error) {
	errShape := errors.New("expected an E.164 phone number string or an endpoint object (a quick connect)")
	if len(args) == 0 {
		return nil, errShape
	}
	switch v := args[0]; {
	case v.Type() == safejs.TypeString:
		s, err := v.String()
		if err != nil {
			return nil, err
		}
		return core.JSONString(s), nil
	case v.Type() == safejs.TypeObject && !v.IsNull():
		text, err := b.rt.json.Call("stringify", v)
		if err != nil {
			return nil, errShape
		}
		s, err := text.String()
		return core.RawJSON(s), err
	}
	return nil, errShape
}

// updateStateArgs reads updateState({label, code, type}).
func (b *crmBridge) updateStateArgs(args []safejs.Value) (*core.Outgoing, error) {
	if len(args) == 0 || args[0].Type() != safejs.TypeObject || args[0].IsNull() {
		return nil, errors.New("updateState takes {label, code, type} of an agent state")
	}
	var s core.AgentStateMessage
	for _, f := range []struct {
		name string
		to   *string
	}{{"label", &s.Label}, {"code", &s.Code}, {"type", &s.Type}} {
		v, _, err := optString(b.rt, args[0], f.name)
		if err != nil {
			return nil, err
		}
		*f.to = v
	}
	return core.UpdateState(s), nil
}

// argsParser returns how a control reads its JavaScript arguments.
func (b *crmBridge) argsParser(ctrl core.Control) func([]safejs.Value) (*core.RequestArgs, error) {
	switch ctrl.Button {
	case core.Numberpad:
		return func(args []safejs.Value) (*core.RequestArgs, error) {
			d, err := stringArg(args, "digits")
			return &core.RequestArgs{Digits: d}, err
		}
	case core.Consult:
		return b.consultArgs
	case core.Hold, core.Resume, core.Disconnect:
		return func(args []safejs.Value) (*core.RequestArgs, error) {
			if len(args) == 0 || args[0].IsUndefined() || args[0].IsNull() {
				return nil, nil
			}
			id, _, err := optString(b.rt, args[0], "connectionId")
			return &core.RequestArgs{ConnectionID: id}, err
		}
	}
	return func([]safejs.Value) (*core.RequestArgs, error) { return nil, nil }
}

// consultArgs reads consult("+15555550100") or consult({phoneNumber}) or consult({quickConnect}).
func (b *crmBridge) consultArgs(args []safejs.Value) (*core.RequestArgs, error) {
	if len(args) > 0 && args[0].Type() == safejs.TypeString {
		n, err := args[0].String()
		return &core.RequestArgs{PhoneNumber: n}, err
	}
	if len(args) == 0 || args[0].Type() != safejs.TypeObject || args[0].IsNull() {
		return nil, errors.New("consult takes a phone number or {phoneNumber} or {quickConnect}")
	}
	n, _, err := optString(b.rt, args[0], "phoneNumber")
	if err != nil {
		return nil, err
	}
	q, _, err := optString(b.rt, args[0], "quickConnect")
	return &core.RequestArgs{PhoneNumber: n, QuickConnect: q}, err
}

func agentStateArgs(args []safejs.Value) (*core.RequestArgs, error) {
	s, err := stringArg(args, "agent state name")
	return &core.RequestArgs{AgentState: s}, err
}

func stringArg(args []safejs.Value, what string) (string, error) {
	if len(args) == 0 || args[0].Type() != safejs.TypeString {
		return "", errors.New("expected the " + what + " as a string")
	}
	return args[0].String()
}

// buttons returns the call bar of the current state with a reason for each button:
// {answer: {state: "Enable", reason: "AGENT_RINGING"}, ...}.
func (b *crmBridge) buttons(safejs.Value, []safejs.Value) any {
	v, err := b.rt.parseJSON(core.MarshalCallBar(b.core.CallBar()))
	if err != nil {
		return nil
	}
	return v
}

// agentState returns {label, code, type} of the agent's last reported state, or null. It is written by the
// generated encoder, which escapes what JSON requires (strconv.Quote's \x01 is not JSON).
func (b *crmBridge) agentState(safejs.Value, []safejs.Value) any {
	a := b.core.Agent()
	if a == nil {
		return safejs.Null()
	}
	var w jwriter.Writer
	a.MarshalEasyJSON(&w)
	return b.rt.parseOrNull(w.Buffer.BuildBytes())
}

// diagnostics returns {counts: {REASON: n}, listeners: n}.
func (b *crmBridge) diagnostics(safejs.Value, []safejs.Value) any {
	return diagnosticsValue(b.rt, &b.core.Diagnostics, b.channel)
}

// close stops the bridge: pending requests fail with CLOSED, the listener is removed, every Func released.
func (b *crmBridge) close(safejs.Value, []safejs.Value) any {
	b.closeOnce.Do(func() {
		close(b.stop)
		b.channel.close()
		b.core.Close()
		b.settleEnded()      // every pending request failed with CLOSED
		b.funcs.releaseAll() // close itself among them: allowed while it runs
	})
	return nil
}

// softphoneWindow reads the softphone option: an iframe element (its contentWindow, and the element, whose
// window the bridge follows if the frame is moved in the page) or a Window (frame undefined).
func softphoneWindow(rt *jsRuntime, opts safejs.Value) (win, frame safejs.Value, err error) {
	errShape := errors.New("softphone must be the softphone's iframe element or its Window")
	v, err := rt.getGuarded(opts, "softphone")
	if err != nil {
		return win, frame, err
	}
	if v.Type() != safejs.TypeObject || v.IsNull() {
		return win, frame, errShape
	}
	// A Window may be cross-origin: read it only through getGuarded.
	if cw, err := rt.getGuarded(v, "contentWindow"); err == nil && cw.Type() == safejs.TypeObject && !cw.IsNull() {
		return cw, v, nil
	}
	if pm, err := rt.getGuarded(v, "postMessage"); err != nil || pm.Type() != safejs.TypeFunction {
		return win, frame, errShape
	}
	return v, safejs.Undefined(), nil
}

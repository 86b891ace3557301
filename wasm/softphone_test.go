//go:build js && wasm

package wasm

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// fakeConnectJS is a stand-in for amazon-connect-streams with the shape the adapter uses (streams.go): an
// EventBus, an agent data provider fed by push(snapshot), a client that records calls and answers on the next
// tick (or, with holding set, when release() is called), connect.Contact, and the broadcast upstream.
// failNext(message) fails the next call the way the Streams worker does (a JSON string with type and message).
const fakeConnectJS = `
const subs = {};
const fake = {
  calls: [], broadcasts: [], agentData: null, failMessage: null,
  AgentEvents: { REFRESH: "agent::refresh" }, EventType: { BROADCAST: "broadcast" }, ContactEvents: { ACCEPTED: "accepted" },
  push(snapshot, configuration) { fake.agentData = { snapshot, configuration }; (subs["agent::refresh"] || []).slice().forEach(f => f()); },
  failNext(message) { fake.failMessage = message; },
  holding: false, held: [],
  answer(cbs) {
    const m = fake.failMessage; fake.failMessage = null;
    const reply = () => m ? cbs.failure(JSON.stringify({ type: "InvalidStateException", message: m }), null) : cbs.success({});
    if (fake.holding) fake.held.push(reply); else setTimeout(reply, 0);
  },
  release() { fake.held.splice(0).forEach((reply) => reply()); },
  core: {
    getEventBus: () => ({
      subscribe(ev, fn) { (subs[ev] ||= []).push(fn); return { unsubscribe() { subs[ev] = subs[ev].filter(f => f !== fn); } }; },
    }),
    getAgentDataProvider: () => ({ getAgentData() { if (!fake.agentData) throw new Error("No agent data is available yet!"); return fake.agentData; } }),
    getClient: () => ({ call(method, params, cbs) { fake.calls.push({ method, params }); fake.answer(cbs); } }),
    getUpstream: () => ({ sendUpstream(type, msg) { fake.broadcasts.push(msg.event); } }),
    getContactEventName: (e, id) => e + "::" + id,
  },
  subscribers: (ev) => (subs[ev] || []).length,
};
fake.Contact = function (id) {
  this.reject = (cbs) => { fake.calls.push({ method: "rejectContact", params: { contactId: id } }); fake.answer(cbs); };
};
return fake;`

// softphoneSetup is the softphone role living in an iframe, with a fake connect; the test page plays the CRM:
// it posts requests into the iframe and collects what the role posts to it.
type softphoneSetup struct {
	*page
	fake   safejs.Value
	win    safejs.Value // the softphone's window
	bridge safejs.Value
	inbox  chan core.Envelope // envelopes the softphone posted to the page
	diags  chan safejs.Value
}

// newSoftphoneSetup starts the role with the test's options added to its own.
func newSoftphoneSetup(t *testing.T, extra ...map[string]any) *softphoneSetup {
	p := newPage(t)
	s := &softphoneSetup{page: p, inbox: make(chan core.Envelope, 256)}
	s.fake = p.eval(fakeConnectJS)
	_, s.win = p.iframe("")
	listener, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		origin, _ := mustGet(t, args[0], "origin").String()
		data := mustGet(t, args[0], "data")
		if origin != p.origin || data.Type() != safejs.TypeString {
			return nil
		}
		text, _ := data.String()
		env, err := core.DecodeEnvelope([]byte(text))
		if err != nil {
			t.Errorf("the softphone posted an invalid envelope: %v", err) // non-fatal: JS callback
			return nil
		}
		if env.Topic == core.TopicAgent && env.Subtopic == core.SubtopicSetAgentState {
			return nil // pushed on every agent change, for the vendor's CRMs (core's tests); these tests follow the rest
		}
		select {
		case s.inbox <- env:
		default:
			t.Error("inbox full")
		}
		return nil
	})
	require.NoError(t, err)
	_, err = p.rt.global.Call("addEventListener", "message", listener)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = p.rt.global.Call("removeEventListener", "message", listener)
		listener.Release()
	})
	opts := map[string]any{"role": "softphone", "crmOrigins": []any{p.origin}, "initCCP": false, "connect": s.fake, "window": s.win}
	for _, e := range extra {
		for k, v := range e {
			opts[k] = v
		}
	}
	s.bridge = p.bridge(opts)
	s.diags = p.collect(s.bridge, core.OnDiagnostic)
	hello := next(t, s.inbox, "Hello")
	require.Equal(t, core.SubtopicHello, hello.Subtopic)
	return s
}

func (s *softphoneSetup) push(snapshot []byte) {
	s.t.Helper()
	v, err := s.rt.json.Call("parse", string(snapshot))
	require.NoError(s.t, err)
	_, err = s.fake.Call("push", v)
	require.NoError(s.t, err)
}

// request posts a request into the softphone's window, from the page (its parent), as a CRM does.
func (s *softphoneSetup) request(data string) {
	s.t.Helper()
	_, err := s.win.Call("postMessage", data, s.origin)
	require.NoError(s.t, err)
}

// call waits for the next InboundCallStateChange, skipping agent state changes.
func (s *softphoneSetup) call() *core.CallEvent {
	s.t.Helper()
	for {
		env := next(s.t, s.inbox, "call event")
		if env.Subtopic == core.SubtopicInboundCallStateChange {
			return env.Message.Call
		}
	}
}

func (s *softphoneSetup) reply() core.Envelope {
	s.t.Helper()
	for {
		env := next(s.t, s.inbox, "reply")
		if env.Subtopic == "Answer" {
			return env
		}
	}
}

func (s *softphoneSetup) fakeCalls() []map[string]any {
	s.t.Helper()
	text, err := s.rt.json.Call("stringify", mustGet(s.t, s.fake, "calls"))
	require.NoError(s.t, err)
	str, _ := text.String()
	var out []map[string]any
	require.NoError(s.t, json.Unmarshal([]byte(str), &out))
	return out
}

func mustGet(t *testing.T, v safejs.Value, name string) safejs.Value {
	t.Helper()
	r, err := v.Get(name)
	require.NoError(t, err)
	return r
}

func TestSoftphoneRingsAnswersAndReportsConnected(t *testing.T) {
	s := newSoftphoneSetup(t)
	s.push(ringing())
	ring := s.call()
	assert.Equal(t, "connecting", ring.Event)
	assert.Equal(t, core.Enable, ring.ButtonStates[core.Answer])
	assert.Equal(t, core.Enable, ring.ButtonStates[core.Reject])
	assert.Equal(t, "connected", s.call().Event, "then the customer's leg")

	s.request(answerRequest) // a vendor-page request: no request id
	require.Eventually(t, func() bool { return len(s.fakeCalls()) == 1 }, patience, 10*time.Millisecond)
	assert.Equal(t, map[string]any{"method": "acceptContact", "params": map[string]any{"contactId": "836c56f3-07c2-418f-99e7-2565b75b575c"}}, s.fakeCalls()[0])
	require.Eventually(t, func() bool { n, _ := mustGet(t, s.fake, "broadcasts").Length(); return n == 2 }, patience, 10*time.Millisecond,
		"the accepted broadcasts that contact.accept() would send")

	s.push(connected())
	ev := s.call()
	assert.Equal(t, "connected", ev.Event)
	assert.Equal(t, core.ConnConnecting, ev.ResponseActual.PreviousStatus)
	assert.Equal(t, core.ButtonStates{core.Consult: core.Enable, core.Numberpad: core.Enable}, ev.ButtonStates, "the vendor sample's buttons")
}

func TestSoftphoneAnswerFailureCarriesAmazonMessage(t *testing.T) {
	s := newSoftphoneSetup(t)
	s.push(ringing())
	_, err := s.fake.Call("failNext", "Agent is not in a state to accept the contact")
	require.NoError(t, err)
	s.request(answerRequest)
	env := s.reply()
	require.NotNil(t, env.Message.Error)
	assert.Equal(t, &core.WireError{Type: "ANSWER_CALL_FAILED", Code: "Agent is not in a state to accept the contact",
		Message: "Answering call failed.", Cause: "AMAZON_CONNECT"}, env.Message.Error)
	assert.Equal(t, core.SourceEvent, env.Message.Source)
}

func TestSoftphoneWithoutIncomingCallNeverTouchesStreams(t *testing.T) {
	s := newSoftphoneSetup(t)
	s.push(coretest.Snapshot("Available", core.AgentTypeRoutable))
	s.request(answerRequest)
	env := s.reply()
	require.NotNil(t, env.Message.Error)
	assert.Equal(t, "NOT_ALLOWED", env.Message.Error.Cause)
	assert.Empty(t, s.fakeCalls())
}

func TestSoftphoneIgnoresOtherOriginsAndWindows(t *testing.T) {
	s := newSoftphoneSetup(t)
	s.push(ringing())
	s.call()
	s.call()
	snap := next(t, s.inbox, "the first snapshot's full state")
	require.Equal(t, core.SubtopicSnapshot, snap.Subtopic)
	require.Len(t, snap.Message.Calls, 2)
	s.dispatch(s.win, answerRequest, "https://evil.example", s.rt.global)
	d := next(t, s.diags, "diagnostic")
	assert.Equal(t, "WRONG_ORIGIN", str(t, d, "reason"))
	_, other := s.iframe("")
	s.dispatch(s.win, answerRequest, s.origin, other)
	d = next(t, s.diags, "diagnostic")
	assert.Equal(t, "WRONG_SOURCE", str(t, d, "reason"))
	none(t, s.inbox, "reply to a rejected request")
	assert.Empty(t, s.fakeCalls(), "no accept reached Streams")
	assert.Equal(t, map[string]int{"WRONG_ORIGIN": 1, "WRONG_SOURCE": 1}, s.counts(s.bridge))
}

// Streams' own traffic with the CCP iframe (its origin, another window) is not the bridge's: it is not read,
// not reported; the same origin from the parent window is judged like any other message.
func TestSoftphoneLeavesStreamsTrafficAlone(t *testing.T) {
	const ccp = "https://ccp.example"
	s := newSoftphoneSetup(t, map[string]any{"ccpUrl": ccp + "/ccp-v2/"})
	_, ccpFrame := s.iframe("")
	s.dispatch(s.win, map[string]any{"type": "Streams traffic"}, ccp, ccpFrame)
	none(t, s.diags, "diagnostic for Streams' own traffic")
	s.dispatch(s.win, answerRequest, ccp, s.rt.global)
	d := next(t, s.diags, "diagnostic")
	assert.Equal(t, "WRONG_ORIGIN", str(t, d, "reason"))
	assert.Equal(t, map[string]int{"WRONG_ORIGIN": 1}, s.counts(s.bridge))
}

func TestSoftphoneCloseUnsubscribesFromStreams(t *testing.T) {
	s := newSoftphoneSetup(t)
	count := func() int {
		v, err := s.fake.Call("subscribers", "agent::refresh")
		require.NoError(t, err)
		n, _ := v.Int()
		return n
	}
	require.Equal(t, 1, count())
	_, err := s.bridge.Call("close")
	require.NoError(t, err)
	assert.Equal(t, 0, count())
	s.push(ringing())
	none(t, s.inbox, "event after close")
}

// TestStreamsCallbackPanicEndsTheCallAtOnce: a panic while the adapter handles Streams' callback (here in done,
// the softphone's own handling) is reported as a PANIC and ends the call at once with an internal error,
// instead of leaving its request to time out with nothing said.
func TestStreamsCallbackPanicEndsTheCallAtOnce(t *testing.T) {
	p := newPage(t)
	panics := make(chan any, 4)
	s := &streamsAdapter{rt: p.rt, connect: p.eval(fakeConnectJS), panicked: func(v any) { panics <- v }}
	ended := make(chan error, 4)
	calls := 0
	s.Do(core.Action{Kind: core.ActReject, ContactID: "c"}, func(err error) {
		calls++
		if calls == 1 {
			panic("boom")
		}
		ended <- err
	})
	assert.Equal(t, "boom", next(t, panics, "PANIC report"))
	err := next(t, ended, "end of the call")
	var e *core.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, core.CauseInternal, e.Cause)
	assert.Contains(t, e.Code, "boom")
	select {
	case v := <-panics:
		t.Fatalf("a second panic: %v", v)
	case err := <-ended:
		t.Fatalf("ended twice: %v", err)
	default:
	}
}

// A request Streams completes after the bridge has closed gets no acknowledgement: the bridge is gone, and its
// page may have loaded another.
func TestSoftphoneClosedPostsNoAcknowledgement(t *testing.T) {
	s := newSoftphoneSetup(t)
	require.NoError(t, s.fake.Set("holding", true))
	s.push(ringing())
	s.call()
	s.call()
	s.request(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Reject","source":"myapp","requestId":"r-1"}`)
	require.Eventually(t, func() bool { return len(s.fakeCalls()) == 1 }, patience, 10*time.Millisecond)
	assert.Equal(t, "rejectContact", s.fakeCalls()[0]["method"])
	_, err := s.bridge.Call("close")
	require.NoError(t, err)
	_, err = s.fake.Call("release") // Streams answers now
	require.NoError(t, err)
	for {
		select {
		case env := <-s.inbox:
			require.NotEqual(t, "r-1", env.RequestID, "a closed softphone acknowledged a request")
			continue // what was posted before close
		case <-time.After(300 * time.Millisecond):
		}
		break
	}
}

// The agent's configuration that comes with Streams' snapshot reaches core: who the agent is, in SetAgentState's data.
func TestSoftphoneReportsTheAgentsConfiguration(t *testing.T) {
	s := newSoftphoneSetup(t)
	syncs := s.eval(`const seen = [];
addEventListener("message", (e) => { if (typeof e.data === "string" && e.data.includes('"subtopic":"SetAgentState"')) seen.push(e.data); });
return seen;`)
	config, err := s.rt.json.Call("parse", `{"name":"Jane Doe","username":"jane.doe","extension":"","softphoneEnabled":true,`+
		`"agentARN":"arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/a-1","agentStates":[{"name":"Available"}]}`)
	require.NoError(t, err)
	snapshot, err := s.rt.json.Call("parse", string(coretest.Snapshot("Available", core.AgentTypeRoutable)))
	require.NoError(t, err)
	_, err = s.fake.Call("push", snapshot, config)
	require.NoError(t, err)
	s.request(`{"channel":"Amazon","topic":"Agent","subtopic":"GetAgentState","source":"crm"}`)
	// Two: pushed with the first snapshot, then GetAgentState's reply, which is checked.
	require.Eventually(t, func() bool { n, _ := syncs.Length(); return n == 2 }, patience, 10*time.Millisecond)
	reply, err := syncs.Index(1)
	require.NoError(t, err)
	text, _ := reply.String()
	var env struct {
		Message struct {
			Data map[string]any `json:"data"`
		} `json:"message"`
	}
	require.NoError(t, json.Unmarshal([]byte(text), &env))
	for k, want := range map[string]any{"name": "Jane Doe", "extension": "", "loginName": "jane.doe", "softphoneEnabled": true} {
		assert.Equal(t, want, env.Message.Data[k], k)
	}
}

//go:build js && wasm

package wasm

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// relayHTML is the softphone frame of the CRM tests: its own script hands every message from the page to
// parent.__ctibridgeTestPeer, and posts what send() is given from its own realm, so that the CRM sees the
// frame's window as event.source, as it would in production.
const relayHTML = `<script>
addEventListener("message", (e) => { if (e.source === parent) parent.__ctibridgeTestPeer(String(e.data)); });
window.send = (m, o) => parent.postMessage(m, o);
</script>`

// crmSetup is the CRM role in the page, talking to a relay frame behind which a core.Softphone with a fake
// Streams answers. silent drops every request, to play a softphone that never answers.
type crmSetup struct {
	*page
	streams *coretest.Streams
	phone   *core.Softphone
	frame   safejs.Value // the iframe element
	win     safejs.Value // its window
	bridge  safejs.Value
	events  chan safejs.Value
	diags   chan safejs.Value

	mu     sync.Mutex
	silent bool
}

func newCRMSetup(t *testing.T, opts map[string]any) *crmSetup {
	p := newPage(t)
	s := &crmSetup{page: p, streams: &coretest.Streams{}}
	s.frame, s.win = p.iframe(relayHTML)
	s.phone = core.NewSoftphone("phone-epoch", s.streams, s.sendToCRM)
	peer, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		s.mu.Lock()
		silent := s.silent
		s.mu.Unlock()
		if silent {
			return nil
		}
		text, _ := args[0].String()
		if refused := s.phone.Receive([]byte(text), p.origin); len(refused) > 0 {
			t.Errorf("the softphone refused what the CRM sent: %s: %s", text, refused[0].Payload) // non-fatal: JS callback
		}
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, p.rt.global.Set("__ctibridgeTestPeer", peer))
	t.Cleanup(func() { _ = p.rt.global.Delete("__ctibridgeTestPeer"); peer.Release() })
	o := map[string]any{"role": "crm", "softphone": s.frame, "softphoneOrigin": p.origin, "source": "myapp"}
	for k, v := range opts {
		o[k] = v
	}
	s.bridge = p.bridge(o)
	s.events = p.collect(s.bridge, core.OnCallStateChange)
	s.diags = p.collect(s.bridge, core.OnDiagnostic)
	return s
}

// sendToCRM posts from the frame's current window (a frame moved in the page has a new one).
func (s *crmSetup) sendToCRM(b []byte) error {
	win, err := s.frame.Get("contentWindow")
	if err != nil || win.IsNull() {
		return errors.New("the frame was removed") // nothing is posted, as from a real softphone
	}
	if _, err := win.Call("send", string(b), s.origin); err != nil {
		s.t.Errorf("relay: %v", err)
	}
	return nil
}

func (s *crmSetup) observe(snapshot []byte) {
	s.t.Helper()
	require.NoError(s.t, s.phone.Observe(snapshot))
}

// ring makes the call ring and waits until the CRM has seen both legs, with answer and reject enabled.
func (s *crmSetup) ring() {
	s.t.Helper()
	s.observe(ringing())
	agent := next(s.t, s.events, "agent leg ringing")
	assert.Equal(s.t, "connecting", str(s.t, agent, "call", "event"))
	assert.Equal(s.t, "Enable", str(s.t, agent, "call", "ButtonStates", "items", "answer"))
	assert.Equal(s.t, "Enable", str(s.t, agent, "call", "ButtonStates", "items", "reject"))
	next(s.t, s.events, "customer leg")
}

func TestCRMAnswerCallResolvesWithConnectedEvent(t *testing.T) {
	s := newCRMSetup(t, nil)
	s.ring()
	p, err := s.bridge.Call("answerCall")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(s.streams.Actions()) == 1 }, patience, 10*time.Millisecond)
	assert.Equal(t, core.Action{Kind: core.ActAccept, ContactID: "836c56f3-07c2-418f-99e7-2565b75b575c"}, s.streams.Actions()[0])
	s.observe(connected())
	msg, rejection := s.await(p)
	require.True(t, rejection.IsUndefined(), "answerCall rejected")
	assert.Equal(t, "connected", str(t, msg, "call", "event"))
	assert.Equal(t, "event", str(t, msg, "source"))
	assert.Equal(t, "Enable", str(t, msg, "call", "ButtonStates", "items", "consult"))
	assert.Equal(t, "Hide", str(t, msg, "call", "ButtonStates", "items", "disconnect"))
	assert.Equal(t, "+16013261548", str(t, msg, "call", "CallVariables", "DNIS"))
	bar, err := s.bridge.Call("buttons")
	require.NoError(t, err)
	assert.Equal(t, "Enable", str(t, bar, "hold", "state"), "the call bar merges the customer leg's buttons")
	assert.Equal(t, "PARTY_CONNECTED", str(t, bar, "hold", "reason"))
	assert.Equal(t, "ALREADY_ANSWERED", str(t, bar, "answer", "reason"))
}

func TestCRMAnswerCallFailure(t *testing.T) {
	s := newCRMSetup(t, nil)
	s.streams.Result = func(core.Action) error { return errors.New("Agent is not in a state to accept the contact") }
	s.ring()
	p, err := s.bridge.Call("answerCall")
	require.NoError(t, err)
	_, rejection := s.await(p)
	require.False(t, rejection.IsUndefined(), "answerCall resolved")
	assert.Equal(t, "ANSWER_CALL_FAILED", str(t, rejection, "type"))
	assert.Equal(t, "Agent is not in a state to accept the contact", str(t, rejection, "code"))
	assert.Equal(t, "Answering call failed.", str(t, rejection, "message"))
	isError, err := rejection.InstanceOf(s.rt.errorC)
	require.NoError(t, err)
	assert.True(t, isError, "rejects with an Error, not a bare value")
}

func TestCRMAnswerCallWithoutIncomingCallSendsNothing(t *testing.T) {
	s := newCRMSetup(t, nil)
	s.observe(coretest.Snapshot("Available", core.AgentTypeRoutable))
	// Once the CRM holds the softphone's state (before, it would let the softphone decide), it refuses locally.
	require.Eventually(t, func() bool {
		v, err := s.bridge.Call("agentState")
		return err == nil && !v.IsNull()
	}, patience, 10*time.Millisecond)
	p, err := s.bridge.Call("answerCall")
	require.NoError(t, err)
	_, rejection := s.await(p)
	require.False(t, rejection.IsUndefined())
	assert.Equal(t, "ANSWER_CALL_FAILED", str(t, rejection, "type"))
	assert.Equal(t, "NOT_ALLOWED", str(t, rejection, "reason"))
	cause, err := rejection.Get("cause")
	require.NoError(t, err)
	assert.True(t, cause.IsUndefined(), ".cause is left to chained errors")
	assert.Contains(t, str(t, rejection, "code"), "No call")
	assert.Empty(t, s.streams.Actions())
}

func TestCRMSilentSoftphoneTimesOut(t *testing.T) {
	s := newCRMSetup(t, map[string]any{"timeoutMs": 300})
	s.ring()
	s.mu.Lock()
	s.silent = true
	s.mu.Unlock()
	start := time.Now()
	p, err := s.bridge.Call("answerCall")
	require.NoError(t, err)
	_, rejection := s.await(p)
	require.False(t, rejection.IsUndefined())
	assert.Equal(t, "TIMEOUT", str(t, rejection, "reason"))
	assert.Equal(t, "ANSWER_CALL_FAILED", str(t, rejection, "type"))
	assert.Equal(t, "No reply from the softphone within 300 ms.", str(t, rejection, "code"))
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	assert.Empty(t, s.streams.Actions())
}

func TestCRMIgnoresOtherOriginsAndWindows(t *testing.T) {
	s := newCRMSetup(t, nil)
	var out coretest.Outbox
	forger := core.NewSoftphone("forged", &coretest.Streams{}, out.Send)
	require.NoError(t, forger.Observe(ringing()))
	forged := out.Take()
	_, stranger := s.iframe("")
	for _, b := range forged {
		s.dispatch(s.rt.global, string(b), "https://evil.example", s.win) // right window, wrong origin
		s.dispatch(s.rt.global, string(b), s.origin, stranger)            // right origin, wrong window
	}
	none(t, s.events, "call event from a stranger")
	counts := s.counts(s.bridge)
	assert.Equal(t, len(forged), counts["WRONG_ORIGIN"])
	assert.Equal(t, len(forged), counts["WRONG_SOURCE"])
	bar, err := s.bridge.Call("buttons")
	require.NoError(t, err)
	assert.Equal(t, "Hide", str(t, bar, "answer", "state"), "no state changed")
}

func TestCRMCloseFailsPendingAndReleases(t *testing.T) {
	s := newCRMSetup(t, map[string]any{"timeoutMs": 60000})
	s.ring()
	s.streams.Hold = true // the accept never completes
	p, err := s.bridge.Call("answerCall")
	require.NoError(t, err)
	d, err := s.bridge.Call("diagnostics")
	require.NoError(t, err)
	listeners, _ := mustGet(t, d, "listeners").Int()
	assert.Equal(t, 2, listeners)
	_, err = s.bridge.Call("close")
	require.NoError(t, err)
	_, rejection := s.await(p)
	require.False(t, rejection.IsUndefined())
	assert.Equal(t, "CLOSED", str(t, rejection, "reason"))
	s.observe(connected())
	none(t, s.events, "event after close")

	// Called after close, the loader answers for Go, with the same error.
	p, err = s.bridge.Call("answerCall")
	require.NoError(t, err)
	_, later := s.await(p)
	require.False(t, later.IsUndefined())
	isError, err := later.InstanceOf(s.rt.errorC)
	require.NoError(t, err)
	assert.True(t, isError)
	for _, field := range []string{"message", "type", "code", "reason"} {
		assert.Equal(t, str(t, rejection, field), str(t, later, field), field)
	}
	assert.Equal(t, "The bridge is closed.", str(t, later, "code"))
}

// TestCRMRequestToARemovedFrameFailsAtOnce: once the softphone's iframe is gone from the page, nothing can
// answer; a request says so at once (TRANSPORT) instead of after its timeout, here a minute.
func TestCRMRequestToARemovedFrameFailsAtOnce(t *testing.T) {
	s := newCRMSetup(t, map[string]any{"timeoutMs": 60000})
	s.ring()
	_, err := s.frame.Call("remove")
	require.NoError(t, err)
	p, err := s.bridge.Call("answerCall")
	require.NoError(t, err)
	_, rejection := s.await(p)
	require.False(t, rejection.IsUndefined())
	assert.Equal(t, "TRANSPORT", str(t, rejection, "reason"))
	assert.Equal(t, "ANSWER_CALL_FAILED", str(t, rejection, "type"))
	assert.Equal(t, "The request could not be posted: the softphone frame is gone from the page "+
		"(load a bridge for the frame now in the page).", str(t, rejection, "code"))
	assert.Empty(t, s.streams.Actions())
}

// TestCRMFollowsAMovedFrame: moving the softphone's iframe in the page (as a framework re-rendering its parent
// does) replaces its window; a bridge given the element posts to, and accepts messages from, the new one.
func TestCRMFollowsAMovedFrame(t *testing.T) {
	s := newCRMSetup(t, nil)
	s.ring()
	s.appendAndLoad(s.frame) // moved to the end of the body: a new window loads
	win, err := s.frame.Get("contentWindow")
	require.NoError(t, err)
	require.False(t, win.Equal(s.win), "moving the frame gave it a new window")

	// Envelopes the old window posted just before the move may still arrive, from a window no longer the
	// softphone's: count from here.
	wrongSource := s.counts(s.bridge)["WRONG_SOURCE"]
	p, err := s.bridge.Call("answerCall")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(s.streams.Actions()) == 1 }, patience, 10*time.Millisecond,
		"the accept reaching Streams through the moved frame")
	assert.Equal(t, core.ActAccept, s.streams.Actions()[0].Kind)
	s.observe(connected())
	message, rejection := s.await(p)
	require.True(t, rejection.IsUndefined(), "answerCall rejected: %v", rejection)
	assert.Equal(t, "connected", str(t, message, "call", "event"))
	assert.Equal(t, wrongSource, s.counts(s.bridge)["WRONG_SOURCE"], "the new window's messages are the softphone's")
}

// TestCRMAgentStateWithControlCharacters: agentState() returns the agent's state whatever characters its name
// holds (a state is named by whoever configures the instance), not undefined.
func TestCRMAgentStateWithControlCharacters(t *testing.T) {
	s := newCRMSetup(t, nil)
	name := "Lunch\x01\t\"break\"\u2028é"
	s.observe(coretest.Snapshot(name, core.AgentTypeNotRoutable))
	var state safejs.Value
	require.Eventually(t, func() bool {
		v, err := s.bridge.Call("agentState")
		state = v
		return err == nil && !v.IsNull()
	}, patience, 10*time.Millisecond)
	require.Equal(t, safejs.TypeObject, state.Type(), "agentState() returned %v", state)
	assert.Equal(t, name, str(t, state, "label"))
	assert.Equal(t, name, str(t, state, "code"))
	assert.Equal(t, "Not Routable", str(t, state, "type"))
}

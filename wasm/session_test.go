//go:build js && wasm

package wasm

import (
	"encoding/json"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

// sessionConnectJS is a connect with what a Login touches: the upstream conduit's and the EventBus's
// subscriptions (trigger(event) fires them, listeners(event) counts them), the popup manager (its window, or
// null with blocked set), Streams' refresh timer and reauthenticateAfterLogout, which records the timer it found.
const sessionConnectJS = `
const subs = {};
const sub = (ev, fn) => { (subs[ev] ||= []).push(fn); return { unsubscribe() { subs[ev] = subs[ev].filter((f) => f !== fn); } }; };
const fake = {
  opened: [], found: [], blocked: false, win: { closed: false },
  EventType: { ACKNOWLEDGE: "acknowledge", ACK_TIMEOUT: "ack_timeout", IFRAME_RETRIES_EXHAUSTED: "iframe_retries_exhausted" },
  MasterTopics: { LOGIN_POPUP: "loginPopup" },
  initCCPParams: { ccpLoadTimeout: 50, loginOptions: { autoClose: true } },
  trigger(ev) { (subs[ev] || []).slice().forEach((f) => f()); },
  listeners: () => Object.values(subs).reduce((n, list) => n + list.length, 0),
  core: {
    ccpLoadTimeoutInstance: null,
    iframeRefreshTimeout: 42,
    getUpstream: () => ({ onUpstream: sub }),
    getEventBus: () => ({ subscribe: sub }),
    getPopupManager: () => ({ open(url, name, options) { fake.opened.push({ url, name, options }); return fake.blocked ? null : fake.win; } }),
    reauthenticateAfterLogout() { fake.found.push(fake.core.iframeRefreshTimeout); fake.core.iframeRefreshTimeout = 7; },
  },
};
return fake;`

const loginURL = "https://example.my.connect.aws/ccp-v2/"

type sessionSetup struct {
	*page
	fake    safejs.Value
	streams *streamsAdapter
}

func newSessionSetup(t *testing.T) *sessionSetup {
	p := newPage(t)
	fake := p.eval(sessionConnectJS)
	return &sessionSetup{page: p, fake: fake, streams: &streamsAdapter{rt: p.rt, connect: fake, panicked: func(v any) { t.Errorf("panic: %v", v) }}}
}

func (s *sessionSetup) login() chan error {
	done := make(chan error, 1)
	s.streams.Do(core.Action{Kind: core.ActLogin, URL: loginURL}, func(err error) { done <- err })
	return done
}

func (s *sessionSetup) js(expr string) any {
	s.t.Helper()
	v, err := s.eval(`return (fake) => JSON.stringify(` + expr + `);`).Invoke(s.fake)
	require.NoError(s.t, err)
	text, _ := v.String()
	var out any
	require.NoError(s.t, json.Unmarshal([]byte(text), &out))
	return out
}

func (s *sessionSetup) run(code string) {
	s.t.Helper()
	_, err := s.eval(`return (fake) => { ` + code + ` };`).Invoke(s.fake)
	require.NoError(s.t, err)
}

// Login opens the login window as Streams would (its popup manager, loginOptions), restarts Streams' reloads of
// the CCP frame (clearing the timer Streams leaves behind when it gives up), restarts them again each time
// Streams gives up while the window is open, and ends on the CCP's acknowledge with every subscription gone.
func TestLoginOpensTheWindowAndEndsOnTheAcknowledge(t *testing.T) {
	s := newSessionSetup(t)
	done := s.login()
	assert.Equal(t, []any{map[string]any{"url": loginURL, "name": "loginPopup", "options": map[string]any{"autoClose": true}}}, s.js("fake.opened"))
	assert.Equal(t, []any{nil}, s.js("fake.found"), "Streams' stale refresh timer cleared before reauthenticating")
	s.run(`fake.trigger("iframe_retries_exhausted")`)
	assert.Equal(t, []any{nil, nil}, s.js("fake.found"), "Streams gave up with the window open: reloads again")
	s.run(`fake.trigger("acknowledge")`)
	require.NoError(t, next(t, done, "the acknowledge"))
	assert.Equal(t, float64(0), s.js("fake.listeners()"))
}

// A browser that blocks the window: ErrLoginWindowBlocked at once, nothing reloaded, nothing left subscribed.
func TestLoginWindowBlocked(t *testing.T) {
	s := newSessionSetup(t)
	s.run(`fake.blocked = true`)
	require.ErrorIs(t, next(t, s.login(), "the refusal"), core.ErrLoginWindowBlocked)
	assert.Equal(t, []any{}, s.js("fake.found"))
	assert.Equal(t, float64(0), s.js("fake.listeners()"))
}

// A CCP still loading its first frame may have a signed-in agent: the window opens only when Streams' load
// timeout fires. A window closed with no acknowledge after it ends the login with ErrLoginWindowClosed.
func TestLoginWaitsForTheLoadTimeoutAndNoticesTheWindowClosed(t *testing.T) {
	s := newSessionSetup(t)
	s.run(`fake.core.ccpLoadTimeoutInstance = 3`)
	done := s.login()
	assert.Equal(t, []any{}, s.js("fake.opened"))
	s.run(`fake.trigger("ack_timeout")`)
	assert.Len(t, s.js("fake.opened"), 1)
	s.run(`fake.win.closed = true`)
	require.ErrorIs(t, next(t, done, "the closed window"), core.ErrLoginWindowClosed)
	assert.Equal(t, float64(0), s.js("fake.listeners()"))
}

// Logout loads the logout endpoint in a hidden frame, ends when it has loaded, and removes the frame.
func TestLogoutLoadsTheEndpointInAHiddenFrame(t *testing.T) {
	s := newSessionSetup(t)
	seen := s.eval(`const seen = [];
new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) if (n.tagName === "IFRAME") seen.push({ src: n.src, hidden: n.hidden }); })
  .observe(document.body, { childList: true });
return seen;`)
	done := make(chan error, 1)
	const url = "data:text/html,signed%20out"
	s.streams.Do(core.Action{Kind: core.ActLogout, URL: url}, func(err error) { done <- err })
	require.NoError(t, next(t, done, "the endpoint's load"))
	text, err := s.rt.json.Call("stringify", seen)
	require.NoError(t, err)
	str, _ := text.String()
	assert.JSONEq(t, `[{"src":"`+url+`","hidden":true}]`, str)
	left, err := s.eval(`return () => document.querySelectorAll('iframe[title="Amazon Connect logout"]').length;`).Invoke()
	require.NoError(t, err)
	n, _ := left.Int()
	assert.Zero(t, n, "the frame is removed")
}

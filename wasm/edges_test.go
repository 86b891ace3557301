//go:build js && wasm

package wasm

import (
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

// fakeLoaderJS is the loader's half of the fast path as far as a bridge's construction uses it: channels that
// count what is done to them, posts that count and succeed, and deferreds (unless noDeferred is set).
const fakeLoaderJS = `
const log = { listening: 0, closed: 0, flushes: 0 };
return {
  log, noDeferred: false,
  deferred() {
    if (this.noDeferred) throw new Error("no deferred today");
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  },
  flush() { log.flushes++; return true; },
  channel() {
    return { peer() {}, listen() { log.listening++; }, close() { log.closed++; }, on() { return null; }, count() { return 0; } };
  },
};`

// fakeRuntime is this page's runtime with a fake loader behind its fast path.
func (p *page) fakeRuntime() (*jsRuntime, safejs.Value) {
	p.t.Helper()
	rt, err := lookupRuntime()
	require.NoError(p.t, err)
	loader := p.eval(fakeLoaderJS)
	rt.fast = &fastPath{roles: map[int32]fastRole{}, loader: loader}
	return rt, loader
}

func (p *page) logCount(loader safejs.Value, name string) int {
	p.t.Helper()
	n, err := mustGet(p.t, mustGet(p.t, loader, "log"), name).Int()
	require.NoError(p.t, err)
	return n
}

// A CRM bridge whose object cannot be built (here: JSON.parse throws) leaves nothing behind: its channel is
// closed, its role detached, and its Hello goroutine stopped.
func TestNewCRMFailingLeavesNothingServing(t *testing.T) {
	p := newPage(t)
	rt, loader := p.fakeRuntime()
	rt.json = p.eval(`return { parse() { throw new Error("no JSON today"); } };`)
	frame, _ := p.iframe("")
	_, err := newCRM(rt, p.object(map[string]any{"role": "crm", "softphone": frame, "softphoneOrigin": p.origin}))
	require.ErrorContains(t, err, "no JSON today")
	assert.Equal(t, 1, p.logCount(loader, "listening"), "the channel served")
	assert.Equal(t, 1, p.logCount(loader, "closed"), "and was closed")
	assert.Empty(t, rt.fast.roles, "no role is left for the fast path to call")
	flushes := p.logCount(loader, "flushes")
	time.Sleep(3 * helloInterval)
	assert.Equal(t, flushes, p.logCount(loader, "flushes"), "no Hello after the failure")
}

// A request method returns a Promise even when the loader cannot make one for it: rejected, saying why.
func TestRequestWithoutDeferredRejects(t *testing.T) {
	p := newPage(t)
	rt, loader := p.fakeRuntime()
	frame, _ := p.iframe("")
	bridge, err := newCRM(rt, p.object(map[string]any{"role": "crm", "softphone": frame, "softphoneOrigin": p.origin}))
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = bridge.Call("close") })
	require.NoError(t, loader.Set("noDeferred", true))
	v, err := bridge.Call("answerCall")
	require.NoError(t, err)
	isPromise, err := v.InstanceOf(rt.promise)
	require.NoError(t, err)
	require.True(t, isPromise, "answerCall returned %s, not a Promise", p.text(v))
	_, rejection := p.await(v)
	require.False(t, rejection.IsUndefined())
	assert.Equal(t, "ANSWER_CALL_FAILED", str(t, rejection, "type"))
	assert.Equal(t, string(core.CauseInternal), str(t, rejection, "reason"))
	assert.Contains(t, str(t, rejection, "code"), "no deferred today")
}

// addConnection's query callbacks are released when getEndpoints throws: a late call of one reaches nothing.
func TestAddConnectionReleasesItsCallbacksWhenGetEndpointsThrows(t *testing.T) {
	p := newPage(t)
	fake := p.eval(`
const fake = { calls: [], query: null };
fake.Contact = function () { this.addConnection = (ep) => fake.calls.push(ep.name); };
fake.Agent = function () {
  this.getAllQueueARNs = () => [];
  this.getEndpoints = (arns, query) => { fake.query = query; throw new Error("getEndpoints failed"); };
};
return fake;`)
	s := &streamsAdapter{rt: p.rt, connect: fake}
	done := make(chan error, 1)
	s.Do(core.Action{Kind: core.ActAddConnection, ContactID: "c-1", QuickConnect: "Sales"}, func(err error) { done <- err })
	require.ErrorContains(t, next(t, done, "the action's end"), "getEndpoints failed")
	_, err := p.eval(`return (fake) => fake.query.success({ endpoints: [{ name: "Sales" }] });`).Invoke(fake)
	require.NoError(t, err)
	n, err := mustGet(t, fake, "calls").Length()
	require.NoError(t, err)
	assert.Zero(t, n, "a released callback dialled the quick connect")
}

// funcRole is a role whose message runs a test's function.
type funcRole struct {
	onMessage func()
	panics    []any
}

func (r *funcRole) wants([]byte, bool) bool    { return true }
func (r *funcRole) message(message)            { r.onMessage() }
func (r *funcRole) snapshot([]byte, bool)      {}
func (r *funcRole) configuration([]byte, bool) {}
func (r *funcRole) panicked(p any)             { r.panics = append(r.panics, p) }

// The layer's invariants, on a fake loader: effects during an export are records of that export, returned with
// their length; only the outermost export asks for a pump; outside any export an effect is flushed at once;
// a panic stays in Go and leaves the layer idle.
func TestFastPathLayer(t *testing.T) {
	p := newPage(t)
	rt, loader := p.fakeRuntime()
	fp := rt.fast
	ch, err := fp.newChannel(safejs.Null(), safejs.Undefined(), nil)
	require.NoError(t, err)
	role := &funcRole{}
	require.NoError(t, ch.serve(role, p.rt.global))
	var inner int32
	role.onMessage = func() {
		ch.emit("a", []byte(`1`))
		inner = fp.run(ch.id, func(fastRole) { ch.post([]byte(`2`)) }) // an event dispatched synchronously
	}
	outer := fp.run(ch.id, func(r fastRole) { r.message(message{}) })
	want := appendRecord(nil, opEmit, ch.id, "a", []byte(`1`))
	assert.Equal(t, int32(resultPump), outer&resultPump, "the outermost export asks for a pump")
	assert.Equal(t, len(want), int(outer>>resultShift))
	assert.Equal(t, want, fp.finished, "the outer export's records, not the nested one's")
	assert.Zero(t, inner&resultPump, "a nested export leaves the pump to the outermost")
	assert.Equal(t, len(appendRecord(nil, opPost, ch.id, "", []byte(`2`))), int(inner>>resultShift))

	flushes := p.logCount(loader, "flushes")
	assert.True(t, ch.post([]byte(`3`)), "the fake loader posts everything")
	assert.Equal(t, flushes+1, p.logCount(loader, "flushes"), "outside an export, flushed at once")

	role.onMessage = func() { panic("role bug") }
	assert.Equal(t, int32(resultPump), fp.run(ch.id, func(r fastRole) { r.message(message{}) }))
	assert.Equal(t, []any{"role bug"}, role.panics)
	assert.Zero(t, fp.depth)

	ch.close()
	assert.Zero(t, fp.run(ch.id, func(fastRole) { t.Error("a closed channel's role ran") }))
}

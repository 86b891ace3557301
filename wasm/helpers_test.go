//go:build js && wasm

package wasm

import (
	"errors"
	"os"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// A browser test loads the bridges as a page does: it imports web/ctibridge.js as an ES module and calls its
// load(), which starts this test binary a second time, as ctibridge.wasm (TestMain then only registers, as
// the real module's main does), and talks to it through its fast path. The tests, in the first instance, see
// the bridges only through the objects load() resolves with and through the page's windows.
//
// Both roles run in one JavaScript realm, the test page's. postMessage names the calling realm's window as
// event.source, so a role's posts would all seem to come from the top window. Each role is therefore tested
// against a peer that posts from its own realm: the softphone role lives in an iframe and its CRM is a plain
// listener in the page; the CRM role talks to an iframe whose own script relays to a core.Softphone. The
// end-to-end suite (web/test) runs the two roles in two real windows.

// TestMain runs the tests, unless web/ctibridge.js started this binary as its module: then it registers and
// serves the bridges for the page's lifetime, as wasm/cmd/ctibridge does.
func TestMain(m *testing.M) {
	if boot, err := safejs.Global().Get(bootKey); err == nil && boot.Type() == safejs.TypeObject {
		if err := Register(); err != nil {
			println("ctibridge test module:", err.Error()) // the loader reports the exit that follows
			return
		}
		select {}
	}
	os.Exit(m.Run())
}

type page struct {
	t      *testing.T
	rt     *jsRuntime
	origin string
}

func newPage(t *testing.T) *page {
	t.Helper()
	rt, err := lookupRuntime()
	require.NoError(t, err)
	p := &page{t: t, rt: rt}
	loc, err := rt.global.Get("location")
	require.NoError(t, err)
	o, err := loc.Get("origin")
	require.NoError(t, err)
	p.origin, err = o.String()
	require.NoError(t, err)
	return p
}

// testLoader is web/ctibridge.js, imported once for the test binary, as every load() of a page shares one
// module.
var testLoader struct {
	once   sync.Once
	module safejs.Value
	err    error
}

// loader returns the loader's module namespace: {load, selfTest}.
func (p *page) loader() safejs.Value {
	p.t.Helper()
	testLoader.once.Do(func() { testLoader.module, testLoader.err = p.importLoader() })
	require.NoError(p.t, testLoader.err)
	return testLoader.module
}

// importLoader imports web/ctibridge.js with import(), from a Blob of its text: wasmbrowsertest's server serves
// only this binary and wasm_exec.js.
func (p *page) importLoader() (safejs.Value, error) {
	src, err := os.ReadFile("../web/ctibridge.js")
	if err != nil {
		return safejs.Value{}, err
	}
	blobC, err := p.rt.global.Get("Blob")
	if err != nil {
		return safejs.Value{}, err
	}
	blob, err := blobC.New([]any{string(src)}, map[string]any{"type": "text/javascript"})
	if err != nil {
		return safejs.Value{}, err
	}
	urlC, err := p.rt.global.Get("URL")
	if err != nil {
		return safejs.Value{}, err
	}
	url, err := urlC.Call("createObjectURL", blob)
	if err != nil {
		return safejs.Value{}, err
	}
	promise, err := p.eval(`return (url) => import(url);`).Invoke(url)
	if err != nil {
		return safejs.Value{}, err
	}
	module, rejection := p.awaitWithin(promise, loadTime)
	if !rejection.IsUndefined() {
		return safejs.Value{}, errors.New("importing web/ctibridge.js failed: " + p.text(rejection))
	}
	return module, nil
}

// load calls the loader's load(options) with this binary as the module (wasmbrowsertest serves it under its
// base name) and returns the bridge, or the Error it rejected with.
func (p *page) load(opts map[string]any) (bridge, rejection safejs.Value) {
	p.t.Helper()
	o := p.object(opts)
	require.NoError(p.t, o.Set("wasmUrl", "/"+path.Base(os.Args[0])))
	require.NoError(p.t, o.Set("wasmExecUrl", "/wasm_exec.js"))
	promise, err := p.loader().Call("load", o)
	require.NoError(p.t, err)
	return p.awaitWithin(promise, loadTime)
}

// text is String(v), for messages.
func (p *page) text(v safejs.Value) string {
	s, err := p.rt.global.Call("String", v)
	if err != nil {
		return "?"
	}
	str, _ := s.String()
	return str
}

func (p *page) eval(body string) safejs.Value {
	p.t.Helper()
	fn, err := p.rt.global.Get("Function")
	require.NoError(p.t, err)
	f, err := fn.New(body)
	require.NoError(p.t, err)
	v, err := f.Invoke()
	require.NoError(p.t, err)
	return v
}

// iframe appends an iframe (srcdoc if not empty) and waits for it to load; it is removed at cleanup.
func (p *page) iframe(srcdoc string) (element, win safejs.Value) {
	p.t.Helper()
	doc, err := p.rt.global.Get("document")
	require.NoError(p.t, err)
	element, err = doc.Call("createElement", "iframe")
	require.NoError(p.t, err)
	if srcdoc != "" {
		require.NoError(p.t, element.Set("srcdoc", srcdoc))
	}
	p.appendAndLoad(element)
	p.t.Cleanup(func() { _, _ = element.Call("remove") })
	win, err = element.Get("contentWindow")
	require.NoError(p.t, err)
	return element, win
}

// appendAndLoad appends element to the body (moving it there if it is in the page already, which gives an
// iframe a new window) and waits for its load event.
func (p *page) appendAndLoad(element safejs.Value) {
	p.t.Helper()
	loaded := make(chan struct{}, 1)
	onload, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		select {
		case loaded <- struct{}{}:
		default:
		}
		return nil
	})
	require.NoError(p.t, err)
	defer onload.Release()
	require.NoError(p.t, element.Set("onload", onload))
	defer func() { _ = element.Set("onload", safejs.Null()) }()
	doc, err := p.rt.global.Get("document")
	require.NoError(p.t, err)
	body, err := doc.Get("body")
	require.NoError(p.t, err)
	_, err = body.Call("appendChild", element)
	require.NoError(p.t, err)
	select {
	case <-loaded:
	case <-time.After(patience):
		p.t.Fatal("iframe never loaded")
	}
}

func (p *page) object(m map[string]any) safejs.Value {
	p.t.Helper()
	obj, err := p.rt.object.New()
	require.NoError(p.t, err)
	for k, v := range m {
		require.NoError(p.t, obj.Set(k, v))
	}
	return obj
}

// bridge creates a role's bridge with the loader, closed at cleanup.
func (p *page) bridge(opts map[string]any) safejs.Value {
	p.t.Helper()
	v, rejection := p.load(opts)
	require.True(p.t, rejection.IsUndefined(), "load() rejected: %s", p.text(rejection))
	p.t.Cleanup(func() { _, _ = v.Call("close") })
	return v
}

// collect registers a Go callback on bridge.on(name) that forwards each payload without blocking.
func (p *page) collect(bridge safejs.Value, name string) chan safejs.Value {
	p.t.Helper()
	ch := make(chan safejs.Value, 256)
	fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		select {
		case ch <- args[0]:
		default:
			p.t.Errorf("%s: too many callbacks", name) // non-fatal: this runs on a JS callback
		}
		return nil
	})
	require.NoError(p.t, err)
	p.t.Cleanup(fn.Release)
	_, err = bridge.Call("on", name, fn)
	require.NoError(p.t, err)
	return ch
}

// dispatch fires a synthetic "message" event on win, with whatever origin and source a test forges.
func (p *page) dispatch(win safejs.Value, data any, origin string, source safejs.Value) {
	p.t.Helper()
	ctor, err := p.rt.global.Get("MessageEvent")
	require.NoError(p.t, err)
	ev, err := ctor.New("message", p.object(map[string]any{"data": data, "origin": origin, "source": source}))
	require.NoError(p.t, err)
	_, err = win.Call("dispatchEvent", ev)
	require.NoError(p.t, err)
}

// patience bounds every wait for something that must happen: long, because a loaded 2-core machine can take
// seconds to run a page's tasks, and a wait that ends early is a false failure; nothing here measures speed.
const patience = 30 * time.Second

// next waits for the next value on ch.
func next[T any](t *testing.T, ch chan T, what string) T {
	t.Helper()
	return nextWithin(t, ch, what, patience)
}

// nextWithin waits for the next value on ch for at most d.
func nextWithin[T any](t *testing.T, ch chan T, what string, d time.Duration) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("no %s within %v", what, d)
		var zero T
		return zero
	}
}

// none checks that nothing arrives on ch for a while.
func none[T any](t *testing.T, ch chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %s: %v", what, v)
	case <-time.After(150 * time.Millisecond):
	}
}

// await waits for a Promise: its value, or the Error it rejected with.
func (p *page) await(promise safejs.Value) (value, rejection safejs.Value) {
	p.t.Helper()
	return p.awaitWithin(promise, 5*time.Second)
}

// loadTime bounds an import of the loader and a load(): the first compiles this test binary again, which
// takes seconds on a loaded machine.
const loadTime = 60 * time.Second

// awaitWithin is await for at most d.
func (p *page) awaitWithin(promise safejs.Value, d time.Duration) (value, rejection safejs.Value) {
	p.t.Helper()
	type outcome struct {
		v  safejs.Value
		ok bool
	}
	done := make(chan outcome, 1)
	var once sync.Once
	settle := func(o outcome) { once.Do(func() { done <- o }) }
	then, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any { settle(outcome{args[0], true}); return nil })
	require.NoError(p.t, err)
	catch, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any { settle(outcome{args[0], false}); return nil })
	require.NoError(p.t, err)
	defer then.Release()
	defer catch.Release()
	_, err = promise.Call("then", then, catch)
	require.NoError(p.t, err)
	o := nextWithin(p.t, done, "promise settlement", d)
	if o.ok {
		return o.v, safejs.Undefined()
	}
	return safejs.Undefined(), o.v
}

// counts reads bridge.diagnostics().counts.
func (p *page) counts(bridge safejs.Value) map[string]int {
	p.t.Helper()
	d, err := bridge.Call("diagnostics")
	require.NoError(p.t, err)
	c, err := d.Get("counts")
	require.NoError(p.t, err)
	keys, err := p.rt.object.Call("keys", c)
	require.NoError(p.t, err)
	n, _ := keys.Length()
	out := map[string]int{}
	for i := 0; i < n; i++ {
		k, _ := keys.Index(i)
		ks, _ := k.String()
		v, _ := c.Get(ks)
		out[ks], _ = v.Int()
	}
	return out
}

// str reads a dotted path of properties as a string.
func str(t *testing.T, v safejs.Value, path ...string) string {
	t.Helper()
	for _, p := range path {
		var err error
		v, err = v.Get(p)
		require.NoError(t, err)
	}
	s, err := v.String()
	require.NoError(t, err, "%v is not a string", path)
	return s
}

var ringAt = time.Date(2020, 4, 9, 9, 14, 54, 955e6, time.UTC)

func snapshot(agent string, agentType core.AgentStateType, contact core.ContactState, agentLeg core.ConnectionState, at time.Time) []byte {
	return coretest.Snapshot(agent, agentType, coretest.Call{
		ID: "836c56f3-07c2-418f-99e7-2565b75b575c", State: contact, Queue: "InboundTest", QueuedAt: ringAt, DNIS: "+16013261548",
		Legs: []coretest.Leg{
			{ID: "1233dc5f-6d09-4752-85a0-cfca6fc445e7", Type: core.ConnAgent, State: agentLeg, At: at},
			{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, At: ringAt, Number: "+161081111", Initial: true},
		},
	})
}

func ringing() []byte {
	return snapshot(core.AgentPendingBusy, core.AgentTypeSystem, core.ContactConnecting, core.ConnConnecting, ringAt)
}

func connected() []byte {
	return snapshot(core.AgentBusy, core.AgentTypeSystem, core.ContactConnected, core.ConnConnected, ringAt.Add(4*time.Second))
}

const answerRequest = `{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","source":"myapp"}`

//go:build js && wasm

package wasm

import (
	"errors"
	"sync"
	"unsafe"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// Sizes of the inbox: an origin, then a message's data or a Streams snapshot.
const (
	originMax = 1 << 10
	dataMax   = core.MaxEnvelopeBytes
)

// message is one "message" event as the loader hands it over. data points into the inbox: it is valid until
// the role first calls out to JavaScript, which may dispatch another event synchronously and so re-enter an
// export that overwrites the inbox. Roles decode (and record) data before they call anything.
type message struct {
	origin   string
	fromPeer bool          // event.source is the window the role talks to
	kind     core.DataKind // how the loader classified the data
	data     []byte
}

// fastRole is what a role does with what the fast path brings.
type fastRole interface {
	wants(origin []byte, fromPeer bool) bool // whether to read a message at all (before its data is copied)
	message(m message)
	snapshot(data []byte, ok bool) // ok is false when the snapshot was over dataMax
	// configuration is the agent's configuration that came with a snapshot, handed over just before it; ok is
	// false when it was over originMax.
	configuration(data []byte, ok bool)
	panicked(p any)
}

// fastPath is the layer between JavaScript and the roles. Every window "message" event and every Streams
// snapshot enters Go through a function this module exports, called by the loader's fastPath
// (web/ctibridge.js) with the bytes already in the inbox: a call through syscall/js costs about 8 µs and a
// string about 5 µs per KB each way; an exported function costs a tenth of a microsecond and nothing is
// copied. What Go asks JavaScript to do in return (callbacks to call, envelopes to post) are records in the
// format of format.go, which the loader runs.
//
// Invariants:
//
//  1. One goroutine at a time. Go on js/wasm runs goroutines one at a time and switches only where one
//     blocks; an export never blocks, and a callback into Go that JavaScript makes during one nests inside
//     it (depth counts them). So depth, outboxes and finished are only ever touched by the code that runs
//     now, and need no lock. mu guards roles and nextID, which bridges change when they open and close.
//  2. One path for every effect. emit and post append a record to the outbox of the innermost running export
//     (outboxes[depth]), or, outside any export, to outboxes[0], which flush hands to the loader at once.
//     The loader reads all of a batch's records before it runs the first, so that a callback calling Go
//     again, which reuses the outbox, cannot change them; records of an export run once it has returned, so
//     that a callback calling the bridge again finds Go idle, as with any other call.
//  3. The inbox holds one message at a time: a message's data is valid until its role first calls out to
//     JavaScript (see message).
//  4. Ready goroutines never wait for the next event. An export does not run the scheduler: a goroutine it
//     made ready (a request's timer goroutine that can end) or a timer it armed (a Streams call's timeout)
//     would otherwise wait for the next call into Go. So every outermost export that ran a role asks the
//     loader to pump (resultPump), which calls a Go function once the page's microtasks have run; calling
//     any Go function runs every ready goroutine and arms Go's timers before it returns.
//  5. A channel's effects stop when it closes: the loader drops records of a closed channel, and a post
//     to one reports false.
type fastPath struct {
	inbox  [originMax + dataMax]byte
	loader safejs.Value // the loader's fastPath object

	mu     sync.Mutex
	roles  map[int32]fastRole
	nextID int32

	depth    int      // exports running, nested
	outboxes [][]byte // records waiting: [0] outside any export, [d] of the export at depth d
	finished []byte   // the batch the loader reads next, through ctibridge_outbox
}

// errVersions is why a bridge cannot start when the loader and the module do not speak the same fast path.
var errVersions = errors.New("ctibridge.wasm and ctibridge.js are from different versions: load both from the same release")

// served is the fast path the module's exports serve: the one Register started. It is set before the loader
// can call an export, and never changes.
var served *fastPath

// newFastPath asks the loader's boot object for its half of the fast path, handing it pump: a Func that does
// nothing, because calling any Func runs the goroutines an export made ready (invariant 4). pump lives as long
// as the page (kind (a)).
func newFastPath(boot safejs.Value) (*fastPath, error) {
	pump, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return nil })
	if err != nil {
		return nil, err
	}
	fp := &fastPath{roles: map[int32]fastRole{}}
	served = fp
	if fp.loader, err = boot.Call("fastPath", pump); err != nil || fp.loader.Type() != safejs.TypeObject {
		pump.Release()
		served = nil
		return nil, errVersions
	}
	return fp, nil
}

//go:wasmexport ctibridge_inbox
func exportInbox() int32 { return int32(uintptr(unsafe.Pointer(&served.inbox[0]))) }

//go:wasmexport ctibridge_origin_max
func exportOriginMax() int32 { return originMax }

//go:wasmexport ctibridge_data_max
func exportDataMax() int32 { return dataMax }

//go:wasmexport ctibridge_outbox
func exportOutbox() int32 {
	if len(served.finished) == 0 {
		return 0
	}
	return int32(uintptr(unsafe.Pointer(&served.finished[0])))
}

//go:wasmexport ctibridge_wants
func exportWants(id, fromPeer, originLen int32) int32 {
	fp := served
	r := fp.role(id)
	if r == nil || !r.wants(fp.inbox[:clamp(originLen, originMax)], fromPeer == 1) {
		return 0
	}
	return 1
}

//go:wasmexport ctibridge_message
func exportMessage(id, kind, fromPeer, originLen, dataLen int32) int32 {
	fp := served
	origin := string(fp.inbox[:clamp(originLen, originMax)])
	data := fp.inbox[originMax : originMax+clamp(dataLen, dataMax)]
	return fp.run(id, func(r fastRole) {
		r.message(message{origin: origin, fromPeer: fromPeer == 1, kind: core.DataKind(kind), data: data})
	})
}

// exportSnapshot takes a snapshot (after the origin's part of the inbox) and the agent's configuration that
// came with it (in the origin's part, which a snapshot does not use; configLen 0: none, -1: too large).
//
//go:wasmexport ctibridge_snapshot
func exportSnapshot(id, dataLen, configLen int32) int32 {
	fp := served
	return fp.run(id, func(r fastRole) {
		if configLen != 0 {
			r.configuration(fp.inbox[:clamp(configLen, originMax)], configLen > 0)
		}
		r.snapshot(fp.inbox[originMax:originMax+clamp(dataLen, dataMax)], dataLen >= 0)
	})
}

func clamp(n, limit int32) int32 { return max(0, min(n, limit)) }

func (fp *fastPath) role(id int32) fastRole {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return fp.roles[id]
}

// outbox returns the outbox of depth d (invariant 2), empty when reset is true. Callers keep the depth, not a
// pointer into outboxes, which a nested export may grow.
func (fp *fastPath) outbox(d int, reset bool) []byte {
	for len(fp.outboxes) <= d {
		fp.outboxes = append(fp.outboxes, nil)
	}
	if reset {
		fp.outboxes[d] = fp.outboxes[d][:0]
	}
	return fp.outboxes[d]
}

// run calls work on the role of channel id and returns what the loader's finish reads: the length of the
// records shifted by resultShift, with resultPump when it was the outermost export (invariant 4). A panic is
// the role's to report; it never reaches JavaScript, which would stop the Go runtime.
func (fp *fastPath) run(id int32, work func(fastRole)) (result int32) {
	r := fp.role(id)
	if r == nil {
		return 0
	}
	fp.depth++
	d := fp.depth
	fp.outbox(d, true)
	defer func() {
		if p := recover(); p != nil {
			r.panicked(p)
		}
		fp.finished = fp.outboxes[d]
		fp.depth--
		result = int32(len(fp.finished)) << resultShift
		if fp.depth == 0 {
			result |= resultPump
		}
	}()
	work(r)
	return 0
}

// effect records one emit or post of channel id and, outside any export, has the loader run it at once. It
// reports false when the loader could not post it (invariant 5, or the peer window is gone, or postMessage
// threw); a record waiting for its export to return reports true.
func (fp *fastPath) effect(op byte, id int32, name string, payload []byte) bool {
	d := fp.depth
	out := appendRecord(fp.outbox(d, d == 0), op, id, name, payload)
	fp.outboxes[d] = out
	if d > 0 {
		return true
	}
	fp.finished = fp.outboxes[0]
	v, err := fp.loader.Call("flush", len(fp.finished)<<resultShift)
	if err != nil {
		return false
	}
	ok, err := v.Bool()
	return err == nil && ok
}

// deferred is a Promise and the functions that settle it, made by the loader without a call into Go (new
// Promise's executor would be one).
type deferred struct {
	promise, resolve, reject safejs.Value
}

func (fp *fastPath) deferred() (deferred, error) {
	var d deferred
	v, err := fp.loader.Call("deferred")
	if err != nil {
		return d, err
	}
	if d.promise, err = v.Get("promise"); err != nil {
		return d, err
	}
	if d.resolve, err = v.Get("resolve"); err != nil {
		return d, err
	}
	d.reject, err = v.Get("reject")
	return d, err
}

// channel is a bridge's half of the fast path: its id, and the loader's object that holds its callbacks,
// its peer window, its message listener and its Streams feed.
type channel struct {
	fp *fastPath
	id int32
	v  safejs.Value
}

// newChannel creates the loader's half of a channel, posting to peer, naming each of origins; or, when frame
// (an iframe element) is not undefined, to the window frame holds at the time of each post, so that a frame
// moved in the page is followed. It can post at once; serve then hands it the role's messages.
func (fp *fastPath) newChannel(peer, frame safejs.Value, origins []string) (*channel, error) {
	fp.mu.Lock()
	fp.nextID++
	id := fp.nextID
	fp.mu.Unlock()
	v, err := fp.loader.Call("channel", id)
	if err != nil {
		return nil, err
	}
	c := &channel{fp: fp, id: id, v: v}
	list := make([]any, len(origins))
	for i, o := range origins {
		list[i] = o
	}
	if _, err := v.Call("peer", peer, frame, list); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// serve routes the fast path's calls to r and hands it every "message" event of win, with whether its source
// is the peer window. On failure the channel is closed.
func (c *channel) serve(r fastRole, win safejs.Value) error {
	c.fp.mu.Lock()
	c.fp.roles[c.id] = r
	c.fp.mu.Unlock()
	if _, err := c.v.Call("listen", win); err != nil {
		c.close()
		return err
	}
	return nil
}

// feed hands the role the agent's snapshot and configuration after every Streams REFRESH of connect.core's event bus.
func (c *channel) feed(core, event, keys, configKeys safejs.Value) error {
	_, err := c.v.Call("feed", core, event, keys, configKeys)
	return err
}

// emit calls the callbacks registered for name with JSON.parse(payload).
func (c *channel) emit(name string, payload []byte) { c.fp.effect(opEmit, c.id, name, payload) }

// post sends envelope to the peer. It reports false when it could not: the channel is closed, the peer window
// is gone (an iframe removed from the page) or postMessage threw. A post recorded during an export is sent
// after it returns, and reports true.
func (c *channel) post(envelope []byte) bool { return c.fp.effect(opPost, c.id, "", envelope) }

// count returns the number of callbacks registered with on.
func (c *channel) count() int {
	v, err := c.v.Call("count")
	if err != nil {
		return 0
	}
	n, _ := v.Int()
	return n
}

// installOn sets obj.on to the channel's on(name, callback) → unsubscribe function.
func (c *channel) installOn(obj safejs.Value) error {
	on, err := c.v.Get("on")
	if err != nil {
		return err
	}
	return obj.Set("on", on)
}

// close stops the listener and the feed, drops every callback and detaches the role.
func (c *channel) close() {
	c.fp.mu.Lock()
	delete(c.fp.roles, c.id)
	c.fp.mu.Unlock()
	_, _ = c.v.Call("close")
}

//go:build js && wasm

package wasm

import (
	"encoding/binary"
	"sync"
	"unsafe"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// The fast path: every window "message" event and every Streams snapshot enters Go through a function this
// module exports, called by the loader's fastPath (web/ctibridge.js) with the bytes already in inbox. A call
// through syscall/js costs about 8 µs and a string about 5 µs per KB each way; an exported function costs a
// tenth of a microsecond and nothing is copied. What Go asks JavaScript to do in return (callbacks, posts)
// goes into outbox as records that the loader runs once the export has returned, so that a callback calling
// the bridge again finds Go idle. Outside an export (a request method, a Streams callback, a timer), channel
// calls the loader's functions directly.

// Sizes of inbox: an origin, then a message's data or a Streams snapshot.
const (
	originMax = 1 << 10
	dataMax   = core.MaxEnvelopeBytes
)

// Record operations in outbox: [op u8][channel u32 LE][name length u8][name][payload length u32 LE][payload].
const (
	opEmit = 1 // call the callbacks of name with JSON.parse(payload)
	opPost = 2 // post payload to the channel's peer
)

// message is one "message" event as the loader hands it over. data points into inbox: it is valid until the
// role first calls out to JavaScript, which may dispatch another event synchronously and so re-enter an export
// that overwrites inbox. Roles decode (and record) data before they call anything.
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
	panicked(p any)
}

var (
	inbox [originMax + dataMax]byte

	fastMu sync.Mutex // guards roles and nextID; never held across a call out of Go
	roles  = map[int32]fastRole{}
	nextID int32

	// Go runs on one thread, and an export runs to its end without waiting (a callback into Go from
	// JavaScript during it nests, as depth counts), so these need no lock.
	depth    int      // exports running, nested
	outboxes [][]byte // records of the export at each depth
	finished []byte   // records of the export that returned last, read through ctibridge_outbox
	wakeup   bool     // a goroutine became ready during the export
)

//go:wasmexport ctibridge_inbox
func exportInbox() int32 { return int32(uintptr(unsafe.Pointer(&inbox[0]))) }

//go:wasmexport ctibridge_origin_max
func exportOriginMax() int32 { return originMax }

//go:wasmexport ctibridge_data_max
func exportDataMax() int32 { return dataMax }

//go:wasmexport ctibridge_outbox
func exportOutbox() int32 {
	if len(finished) == 0 {
		return 0
	}
	return int32(uintptr(unsafe.Pointer(&finished[0])))
}

//go:wasmexport ctibridge_wants
func exportWants(id, fromPeer, originLen int32) int32 {
	fastMu.Lock()
	r := roles[id]
	fastMu.Unlock()
	if r == nil || !r.wants(inbox[:clamp(originLen, originMax)], fromPeer == 1) {
		return 0
	}
	return 1
}

//go:wasmexport ctibridge_message
func exportMessage(id, kind, fromPeer, originLen, dataLen int32) int32 {
	origin := string(inbox[:clamp(originLen, originMax)])
	data := inbox[originMax : originMax+clamp(dataLen, dataMax)]
	return run(id, func(r fastRole) {
		r.message(message{origin: origin, fromPeer: fromPeer == 1, kind: core.DataKind(kind), data: data})
	})
}

//go:wasmexport ctibridge_snapshot
func exportSnapshot(id, dataLen int32) int32 {
	return run(id, func(r fastRole) {
		r.snapshot(inbox[originMax:originMax+clamp(dataLen, dataMax)], dataLen >= 0)
	})
}

func clamp(n, limit int32) int32 { return max(0, min(n, limit)) }

// run calls work on the role of channel id and returns what the loader's finish reads: the length of the
// records, times two, plus one if goroutines are ready to run. A panic is the role's to report; it never
// reaches JavaScript, which would stop the Go runtime.
func run(id int32, work func(fastRole)) (result int32) {
	fastMu.Lock()
	r := roles[id]
	fastMu.Unlock()
	if r == nil {
		return 0
	}
	depth++
	if len(outboxes) < depth {
		outboxes = append(outboxes, nil)
	}
	outboxes[depth-1] = outboxes[depth-1][:0]
	defer func() {
		if p := recover(); p != nil {
			r.panicked(p)
		}
		finished = outboxes[depth-1]
		depth--
		result = int32(len(finished)) << 1
		if wakeup && depth == 0 {
			result |= 1
			wakeup = false
		}
	}()
	work(r)
	return 0
}

// wake asks the loader to let ready goroutines run soon after the export returns (a request's timer goroutine
// that can end, a timer armed during the export).
func wake() {
	if depth > 0 { // outside an export, Go is already running its goroutines
		wakeup = true
	}
}

// channel is a bridge's half of the fast path: its id, and the loader's object that holds its callbacks,
// its peer window, its message listener and its Streams feed.
type channel struct {
	id int32
	v  safejs.Value
}

// newChannel creates the loader's half of a channel, posting to peer, naming each of origins; or, when frame
// (an iframe element) is not undefined, to the window frame holds at the time of each post, so that a frame
// moved in the page is followed. It can post at once; serve then hands it the role's messages.
func newChannel(rt *jsRuntime, peer, frame safejs.Value, origins []string) (*channel, error) {
	fastMu.Lock()
	nextID++
	id := nextID
	fastMu.Unlock()
	v, err := rt.fast.Call("channel", id)
	if err != nil {
		return nil, err
	}
	c := &channel{id: id, v: v}
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
	fastMu.Lock()
	roles[c.id] = r
	fastMu.Unlock()
	if _, err := c.v.Call("listen", win); err != nil {
		c.close()
		return err
	}
	return nil
}

// feed hands the role the agent's snapshot after every Streams REFRESH of connect.core's event bus.
func (c *channel) feed(core, event, keys safejs.Value) error {
	_, err := c.v.Call("feed", core, event, keys)
	return err
}

func (c *channel) emit(name string, payload []byte) {
	if depth > 0 {
		c.record(opEmit, name, payload)
		return
	}
	_, _ = c.v.Call("emit", name, string(payload))
}

// post sends envelope to the peer. It reports false when it could not: the peer window is gone (an iframe
// removed from the page) or postMessage threw. A post recorded during an export is sent after it returns, and
// reports true.
func (c *channel) post(envelope []byte) bool {
	if depth > 0 {
		c.record(opPost, "", envelope)
		return true
	}
	v, err := c.v.Call("post", string(envelope))
	if err != nil {
		return false
	}
	posted, err := v.Bool()
	return err == nil && posted
}

func (c *channel) record(op byte, name string, payload []byte) {
	out := outboxes[depth-1]
	out = append(out, op)
	out = binary.LittleEndian.AppendUint32(out, uint32(c.id))
	out = append(out, byte(len(name)))
	out = append(out, name...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
	outboxes[depth-1] = append(out, payload...)
}

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
	fastMu.Lock()
	delete(roles, c.id)
	fastMu.Unlock()
	_, _ = c.v.Call("close")
}

//go:build js && wasm

package wasm

import (
	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// inbox is one window "message" listener (kind (c) of house rule 3): added by listen, removed and released by
// close.
type inbox struct {
	win safejs.Value
	fn  safejs.Func
}

// listen adds handle as win's "message" listener. handle runs inside the event dispatch: it must not wait.
func listen(win safejs.Value, handle func(event safejs.Value), onPanic func(any)) (*inbox, error) {
	fn, err := safejs.FuncOf(guard(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) > 0 {
			handle(args[0])
		}
		return nil
	}, onPanic))
	if err != nil {
		return nil, err
	}
	if _, err := win.Call("addEventListener", "message", fn); err != nil {
		fn.Release()
		return nil, err
	}
	return &inbox{win: win, fn: fn}, nil
}

func (i *inbox) close() {
	_, _ = i.win.Call("removeEventListener", "message", i.fn)
	i.fn.Release()
}

// message is what a role needs of a MessageEvent.
type message struct {
	origin string
	source safejs.Value
	data   safejs.Value
}

func readEvent(event safejs.Value) (message, error) {
	var m message
	o, err := event.Get("origin")
	if err != nil {
		return m, err
	}
	if m.origin, err = o.String(); err != nil {
		return m, err
	}
	if m.source, err = event.Get("source"); err != nil {
		return m, err
	}
	m.data, err = event.Get("data")
	return m, err
}

// typeOf is Value.Type without its panic: syscall/js panics on types it does not know (a BigInt).
func typeOf(v safejs.Value) (t safejs.Type, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return v.Type(), true
}

// readData returns a message's data as JSON text: a string as it is, a plain object serialised with
// JSON.stringify (the contract accepts both). It refuses anything over core.MaxEnvelopeBytes before copying
// it into Go, and anything else (numbers, null, binary, objects JSON cannot serialise) as not JSON.
func (rt *jsRuntime) readData(data safejs.Value) ([]byte, core.Reason, string) {
	t, ok := typeOf(data)
	switch {
	case !ok:
		return nil, core.ReasonNotJSON, "data of a type Go cannot read (a BigInt)"
	case t == safejs.TypeString:
	case t == safejs.TypeObject:
		// Only plain objects are envelopes: not arrays, binary data, Maps, Dates, Errors...
		proto, err := rt.object.Call("getPrototypeOf", data)
		if err != nil || !(proto.Equal(rt.objectPrototype) || proto.IsNull()) {
			return nil, core.ReasonNotJSON, "an object that is not a plain object"
		}
		s, err := rt.json.Call("stringify", data)
		if err != nil || s.Type() != safejs.TypeString {
			return nil, core.ReasonNotJSON, "an object JSON.stringify cannot serialise"
		}
		data = s
	default:
		return nil, core.ReasonNotJSON, "data of type " + t.String()
	}
	// syscall/js reads properties of objects only: Object(s) wraps the string so that its length can be read
	// before the string is copied into Go.
	wrapper, err := rt.object.Invoke(data)
	if err != nil {
		return nil, core.ReasonNotJSON, err.Error()
	}
	length, err := wrapper.Get("length")
	if err != nil {
		return nil, core.ReasonNotJSON, err.Error()
	}
	n, err := length.Int()
	if err != nil {
		return nil, core.ReasonNotJSON, err.Error()
	}
	if n > core.MaxEnvelopeBytes { // UTF-16 units: never more than the UTF-8 bytes
		return nil, core.ReasonTooLarge, "message exceeds 64 KiB"
	}
	s, err := data.String()
	if err != nil {
		return nil, core.ReasonNotJSON, err.Error()
	}
	return []byte(s), "", ""
}

//go:build js && wasm

package wasm

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// The fast path's JavaScript half classifies what a message carries before Go reads it; Go names the
// rejection. Every kind that is not JSON text reaches only the diagnostic callbacks, with its reason.
func TestFastPathRefusesWhatIsNotAnEnvelope(t *testing.T) {
	s := newCRMSetup(t, nil)
	cases := []struct {
		data           string // JavaScript expression
		reason, detail string
	}{
		{`42`, "NOT_JSON", "data of type number"},
		{`null`, "NOT_JSON", "data of type null"},
		{`10n`, "NOT_JSON", "data of type bigint"},
		{`[1, 2]`, "NOT_JSON", "an object that is not a plain object"},
		{`new Map()`, "NOT_JSON", "an object that is not a plain object"},
		{`({ n: 10n })`, "NOT_JSON", "an object JSON.stringify cannot serialise"},
		{`"x".repeat(70000)`, "TOO_LARGE", "message exceeds 64 KiB"},
		// 40,000 UTF-16 units, under the limit, but 80,000 bytes of UTF-8: over it.
		{`"é".repeat(40000)`, "TOO_LARGE", "message exceeds 64 KiB"},
		{`"{not json"`, "BAD_SHAPE", ""},
	}
	for _, c := range cases {
		s.dispatch(s.rt.global, s.eval("return "+c.data), s.origin, s.win)
		d := next(t, s.diags, c.data)
		assert.Equal(t, c.reason, str(t, d, "reason"), c.data)
		if c.detail != "" {
			assert.Equal(t, c.detail, str(t, d, "detail"), c.data)
		}
	}
	none(t, s.events, "event")
}

// A plain object is an envelope as well as its JSON text is.
func TestFastPathReadsAPlainObject(t *testing.T) {
	s := newCRMSetup(t, nil)
	var out coretest.Outbox
	phone := core.NewSoftphone("objects", &coretest.Streams{}, out.Send)
	require.NoError(t, phone.Observe(ringing()))
	for _, b := range out.Take() {
		obj, err := s.rt.json.Call("parse", string(b))
		require.NoError(t, err)
		s.dispatch(s.rt.global, obj, s.origin, s.win)
	}
	ev := next(t, s.events, "event from a plain object")
	assert.Equal(t, "connecting", str(t, ev, "call", "ResponseActual", "status"))
}

// Callbacks run after Go has returned, so that one calling the bridge finds the state the event made and
// one closing the bridge stops the rest cleanly.
func TestFastPathCallbacksMayCallTheBridge(t *testing.T) {
	s := newCRMSetup(t, nil)
	seen := make(chan string, 8)
	fn, err := safejs.FuncOf(func(_ safejs.Value, _ []safejs.Value) any {
		bar, err := s.bridge.Call("buttons")
		if err == nil {
			if v, err := bar.Get("answer"); err == nil {
				if v, err = v.Get("state"); err == nil {
					st, _ := v.String()
					seen <- st
				}
			}
		}
		_, _ = s.bridge.Call("close") // the first event closes the bridge
		return nil
	})
	require.NoError(t, err)
	t.Cleanup(fn.Release)
	_, err = s.bridge.Call("on", "InboundCallStateChange", fn)
	require.NoError(t, err)
	s.observe(ringing())
	assert.Equal(t, "Enable", next(t, seen, "call bar read by a callback"), "the callback sees the ringing call")
	none(t, seen, "a callback after close")
}

//go:build js && wasm

package wasm

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

// contactAttributes is not an array of non-empty strings: load() rejects, saying what the option must be.
func TestSoftphoneContactAttributesOptionIsChecked(t *testing.T) {
	p := newPage(t)
	fake := p.eval(fakeConnectJS)
	_, win := p.iframe("")
	for _, tc := range []struct {
		name  string
		value any
		want  string
	}{
		{"a string", "customerId", "option contactAttributes must be an array of attribute names"},
		{"a number", 42, "option contactAttributes must be an array of attribute names"},
		{"an array of numbers", []any{1}, "option contactAttributes must be an array of strings"},
		{"a null name", []any{"customerId", nil}, "option contactAttributes must be an array of strings"},
		{"an empty name", []any{"customerId", ""}, core.ErrAttributeName.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, rejection := p.load(map[string]any{"role": "softphone", "crmOrigins": []any{p.origin}, "initCCP": false,
				"connect": fake, "window": win, "contactAttributes": tc.value})
			require.False(t, rejection.IsUndefined(), "load() resolved")
			assert.Equal(t, core.ErrorTypeLoadFailed, str(t, rejection, "type"))
			assert.Equal(t, string(core.CauseInvalidArgument), str(t, rejection, "reason"))
			assert.Equal(t, tc.want, str(t, rejection, "message"))
		})
	}
}

// withAttributes replaces the attributes of the first contact of snapshot (JSON) by getters over values, and
// returns the snapshot and the list of the attributes JSON.stringify read, which grows as it reads them.
func withAttributes(s *softphoneSetup, snapshot []byte, values map[string]any) (snap, reads safejs.Value) {
	s.t.Helper()
	snap, err := s.rt.json.Call("parse", string(snapshot))
	require.NoError(s.t, err)
	reads, err = s.eval(`return (snap, values) => {
  const reads = [];
  const attributes = {};
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(attributes, name, { enumerable: true, get() { reads.push(name); return { name, value }; } });
  }
  snap.contacts[0].attributes = attributes;
  return reads;
}`).Invoke(snap, s.object(values))
	require.NoError(s.t, err)
	return snap, reads
}

// The adapter serialises a snapshot with the allowed attributes only: Streams' objects are never even read for
// the others, and the call events carry the allowed ones in ExtendedCallVariables.
func TestSoftphoneReadsOnlyAllowedAttributes(t *testing.T) {
	values := map[string]any{"customerId": "C-1043", "secret": "s3cr3t"}
	for _, tc := range []struct {
		name     string
		opts     map[string]any
		read     []any
		extended string
	}{
		{"the default: none", map[string]any{}, nil, "null"},
		{"customerId allowed", map[string]any{"contactAttributes": []any{"customerId"}}, []any{"customerId"}, `{"customerId":"C-1043"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSoftphoneSetup(t, tc.opts)
			snap, reads := withAttributes(s, ringing(), values)
			_, err := s.fake.Call("push", snap)
			require.NoError(t, err)
			for range 2 { // the agent's leg and the customer's
				ev := s.call()
				got := string(ev.ExtendedCallVariables)
				if got == "" {
					got = "null"
				}
				assert.Equal(t, tc.extended, got)
			}
			require.Equal(t, core.SubtopicSnapshot, next(t, s.inbox, "the first snapshot's full state").Subtopic)
			n, err := reads.Length()
			require.NoError(t, err)
			var read []any
			for i := range n {
				name, err := reads.Index(i)
				require.NoError(t, err)
				text, _ := name.String()
				read = append(read, text)
			}
			assert.Equal(t, tc.read, read, "the attributes JSON.stringify read")
		})
	}
}

package core_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// The hostile corpus of the browser suites (web/test/e2e/hostile.test.mjs, foreign-frame.test.mjs), replayed
// into both roles natively: every entry from the partner window gets exactly one diagnostic of a reason the
// entry allows, and from every attacker position the browser suites post from, exactly one WRONG_ORIGIN or
// WRONG_SOURCE (or, for the CCP's origin at the softphone, nothing at all); nothing else is delivered or posted,
// Streams is asked nothing, the role's state does not move, and the partner's next message still works.
const corpusPath = "../web/test/fixtures/hostile/corpus.json"

// The origins of the browser suites' deployment: the three of the demo and the attackers'.
const (
	crmOrigin       = "https://crm.example"
	softphoneOrigin = "https://softphone.example"
	ccpOrigin       = "https://ccp.example"
)

// position is where an attacker posts from: its origin, whether it is the partner window, and the reason the
// role must give (none: the message is not the role's business at all).
type position struct {
	name     string
	origin   string
	fromPeer bool
	reason   core.Reason
}

var attackers = map[string][]position{
	"crm": {
		{"third-party frame", "https://ads.example", false, core.ReasonWrongOrigin},
		{"sandboxed frame", "null", false, core.ReasonWrongOrigin},
		{"same-site frame", "https://crm.example:8443", false, core.ReasonWrongOrigin},
		{"softphone-origin frame", softphoneOrigin, false, core.ReasonWrongSource},
		{"CCP frame", ccpOrigin, false, core.ReasonWrongOrigin},
		{"widget inside the softphone", "https://ads.example", false, core.ReasonWrongOrigin},
	},
	"softphone": {
		{"third-party frame", "https://ads.example", false, core.ReasonWrongOrigin},
		{"sandboxed frame", "null", false, core.ReasonWrongOrigin},
		{"same-site frame", "https://softphone.example:8443", false, core.ReasonWrongOrigin},
		{"CRM-origin frame", crmOrigin, false, core.ReasonWrongSource},
		{"CRM-origin popup", crmOrigin, false, core.ReasonWrongSource},
		{"widget inside the softphone", "https://ads.example", false, core.ReasonWrongOrigin},
		{"CCP-origin frame", ccpOrigin, false, ""},
	},
}

// corpusEntry is one entry of corpus.json; corpus.js documents the fields.
type corpusEntry struct {
	Name        string
	Text        json.RawMessage
	JSON        json.RawMessage
	Value       json.RawMessage
	Make        string
	Kind        string
	Set         [][2]json.RawMessage
	Unset       []string
	Insert      string
	Replace     []string
	Prepend     json.RawMessage
	Append      string
	Times       int
	Parse       bool
	Expect      map[string][]core.Reason // a role's reasons; null: not posted to that role from its partner
	ForeignOnly json.RawMessage
}

type corpusFile struct {
	Templates map[string]map[string]json.RawMessage
	Entries   []corpusEntry
}

func loadCorpus(t *testing.T) corpusFile {
	t.Helper()
	b, err := os.ReadFile(corpusPath)
	require.NoError(t, err)
	var c corpusFile
	require.NoError(t, json.Unmarshal(b, &c))
	return c
}

// builder builds the messages of one role's entries as the loader hands them to Go: the kind of data and,
// for JSON text, the text.
type builder struct {
	t    *testing.T
	role string
	file corpusFile
}

func (b builder) decode(raw json.RawMessage) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	require.NoError(b.t, d.Decode(&v))
	return v
}

// resolve expands the constructs of corpus.json ($, $repeat, $concat, $array, $nest) in v.
func (b builder) resolve(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = b.resolve(x)
		}
		return out
	case map[string]any:
		switch {
		case v["$repeat"] != nil:
			// Over the limit, only the length counts: whatever holds the string is over the limit too, and
			// the loader hands Go nothing of it. So 10 MB values are built 64 KiB long (plus one byte).
			unit := b.resolve(v["$repeat"]).(string)
			n := b.int(v["times"])
			if len(unit) > 0 && len(unit)*n > core.MaxEnvelopeBytes {
				n = core.MaxEnvelopeBytes/len(unit) + 1
			}
			return strings.Repeat(unit, n)
		case v["$concat"] != nil:
			var s strings.Builder
			for _, x := range v["$concat"].([]any) {
				s.WriteString(b.resolve(x).(string))
			}
			return s.String()
		case v["$array"] != nil:
			// Likewise: an array of more than MaxEnvelopeBytes/2 elements is over the limit as JSON.
			out := make([]any, min(b.int(v["times"]), core.MaxEnvelopeBytes))
			for i := range out {
				out[i] = b.resolve(v["$array"])
			}
			return out
		case v["$nest"] != nil:
			return nested{leaf: b.resolve(v["$nest"]), key: v["key"].(string), depth: b.int(v["depth"])}
		}
		out := map[string]any{}
		if name, ok := v["$"].(string); ok {
			tmpl, ok := b.file.Templates[b.role][name]
			if !ok {
				tmpl, ok = b.file.Templates["shared"][name]
			}
			require.True(b.t, ok, "template %s", name)
			out = b.resolve(b.decode(tmpl)).(map[string]any)
		}
		for k, x := range v {
			if k != "$" {
				out[k] = b.resolve(x)
			}
		}
		return out
	}
	return v
}

// nested is leaf wrapped depth times in {key: ...}. writeJSON writes it in a loop: encoding/json would recurse
// once per level (10,000 levels overflow the browser's stack under GOOS=js) and refuses 10,000 levels anyway.
type nested struct {
	leaf  any
	key   string
	depth int
}

// writeJSON writes v as compact JSON, as JSON.stringify would but with the keys of a map in sorted order
// (which no decoder reads) and without escaping <, > and &. It stops once buf is over MaxEnvelopeBytes: the
// loader hands Go nothing of such data but its kind, so the rest (of 10 MB values) would only be copied.
func writeJSON(t *testing.T, buf *bytes.Buffer, v any) {
	if buf.Len() > core.MaxEnvelopeBytes {
		return
	}
	if s, ok := v.(string); ok && len(s) > core.MaxEnvelopeBytes {
		buf.WriteString(s[:core.MaxEnvelopeBytes+1])
		return
	}
	switch v := v.(type) {
	case map[string]any:
		buf.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(v)) {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSON(t, buf, k)
			buf.WriteByte(':')
			writeJSON(t, buf, v[k])
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSON(t, buf, x)
		}
		buf.WriteByte(']')
	case nested:
		for i := 0; i < v.depth; i++ {
			buf.WriteByte('{')
			writeJSON(t, buf, v.key)
			buf.WriteByte(':')
		}
		writeJSON(t, buf, v.leaf)
		buf.WriteString(strings.Repeat("}", v.depth))
	default:
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(v))
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
}

func (b builder) int(v any) int {
	n, err := v.(json.Number).Int64()
	require.NoError(b.t, err)
	return int(n)
}

// set sets (or with unset, deletes) the value at a dotted path of v.
func (b builder) set(v any, path string, x any, unset bool) {
	keys := strings.Split(path, ".")
	o := v.(map[string]any)
	for _, k := range keys[:len(keys)-1] {
		o = o[k].(map[string]any)
	}
	if unset {
		delete(o, keys[len(keys)-1])
		return
	}
	o[keys[len(keys)-1]] = x
}

// kindOf returns the core.DataKind of a name the corpus uses for values JSON cannot hold: notPlain,
// unserialisable, or a JavaScript type of core.OtherTypes.
func kindOf(name string) (core.DataKind, bool) {
	switch name {
	case "notPlain":
		return core.DataNotPlain, true
	case "unserialisable":
		return core.DataUnserialisable, true
	}
	for i, other := range core.OtherTypes {
		if name == other {
			return core.DataOtherType + core.DataKind(i), true
		}
	}
	return 0, false
}

// message builds entry e as the loader's classify would hand it over: a string as its text, a plain object
// as its JSON (key order aside, which no decoder reads), anything over the limit as DataTooLarge.
func (b builder) message(e corpusEntry) (core.DataKind, []byte) {
	text := func(s string, k core.DataKind) (core.DataKind, []byte) {
		if len(s) > core.MaxEnvelopeBytes { // the loader compares UTF-8 lengths
			return core.DataTooLarge, nil
		}
		return k, []byte(s)
	}
	marshal := func(v any) string {
		var buf bytes.Buffer
		writeJSON(b.t, &buf, v)
		return buf.String()
	}
	switch {
	case e.Text != nil:
		return text(b.resolve(b.decode(e.Text)).(string), core.DataString)
	case e.Make != "":
		k, ok := kindOf(e.Kind)
		require.True(b.t, ok, "%s: kind %q", e.Name, e.Kind)
		return k, nil
	}
	raw := e.JSON
	if e.Value != nil {
		raw = e.Value
	}
	v := b.resolve(b.decode(raw))
	for _, s := range e.Set {
		b.set(v, b.decode(s[0]).(string), b.resolve(b.decode(s[1])), false)
	}
	for _, path := range e.Unset {
		b.set(v, path, nil, true)
	}
	if e.Value != nil {
		other := func(name string) core.DataKind { k, _ := kindOf(name); return k }
		switch v := v.(type) {
		case string:
			return text(v, core.DataString)
		case map[string]any, nested:
			return text(marshal(v), core.DataObject)
		case []any:
			return core.DataNotPlain, nil
		case nil:
			return other("null"), nil
		case bool:
			return other("boolean"), nil
		default:
			return other("number"), nil
		}
	}
	s := marshal(v)
	if e.Insert != "" {
		s = "{" + e.Insert + s[1:]
	}
	if e.Replace != nil {
		s = strings.Replace(s, e.Replace[0], e.Replace[1], 1)
	}
	if e.Prepend != nil {
		s = b.resolve(b.decode(e.Prepend)).(string) + s
	}
	s = strings.Repeat(s+e.Append, max(e.Times, 1))
	if e.Parse {
		return text(s, core.DataObject) // JSON.stringify(JSON.parse(s)) is s for compact text
	}
	return text(s, core.DataString)
}

func (e corpusEntry) foreignOnly(role string) bool {
	var all bool
	if json.Unmarshal(e.ForeignOnly, &all) == nil {
		return all
	}
	var roles []string
	_ = json.Unmarshal(e.ForeignOnly, &roles)
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// target is a role under attack, in the middle of a ringing call, and what the test watches of it.
type target struct {
	gate    *core.Gate
	role    core.Role
	origin  string // the partner's
	counts  func() map[core.Reason]int
	state   func() string   // what a message could change
	posted  func() [][]byte // what the role posted since the last call
	actions func() int      // Streams actions so far
	works   func(t *testing.T)
}

func crmTarget(t *testing.T) *target {
	p := newPair(t)
	p.observe(ringing())
	p.deliveries = nil
	return &target{
		gate:   core.CRMGate(softphoneOrigin),
		role:   p.crm,
		origin: softphoneOrigin,
		counts: p.crm.Diagnostics.Snapshot,
		state: func() string {
			a, _ := json.Marshal(p.crm.Agent())
			return string(core.MarshalCallBar(p.crm.CallBar())) + string(a) + p.crm.PeerFailure() +
				strconv.FormatBool(p.crm.Connected())
		},
		posted:  p.toPhone.Take,
		actions: func() int { return len(p.streams.Actions()) },
		// The softphone's own next envelope is taken: it asks for a snapshot and gets it, without a diagnostic.
		works: func(t *testing.T) {
			p.phone.HandleRequest(core.Envelope{Channel: core.ChannelAmazon, Topic: core.TopicBridge, Subtopic: core.SubtopicSnapshot})
			p.pump()
			require.Len(t, p.deliveries, 1, "the softphone's next envelope")
			assert.Equal(t, core.OnSnapshot, p.deliveries[0].Name)
			p.deliveries = nil
		},
	}
}

func softphoneTarget(t *testing.T) *target {
	var out coretest.Outbox
	streams := &coretest.Streams{}
	phone := core.NewSoftphone("phone-1", streams, out.Send)
	require.NoError(t, phone.Observe(ringing()))
	out.Take()
	gate := core.SoftphoneGate(core.Origins{crmOrigin}, ccpOrigin)
	hello := []byte(`{"channel":"Amazon","topic":"Bridge","subtopic":"Hello","source":"myapp","epoch":"crm-1","v":1}`)
	return &target{
		gate:   gate,
		role:   phone,
		origin: crmOrigin,
		counts: phone.Diagnostics.Snapshot,
		state: func() string {
			phone.HandleRequest(core.Envelope{Channel: core.ChannelAmazon, Topic: core.TopicBridge, Subtopic: core.SubtopicSnapshot})
			envs := out.Envelopes()
			require.Len(t, envs, 1)
			return string(core.EncodeMessage(envs[0].Message))
		},
		posted:  out.Take,
		actions: func() int { return len(streams.Actions()) },
		// The CRM's next Hello is answered with the state.
		works: func(t *testing.T) {
			ds := gate.Receive(phone, core.Inbound{Origin: crmOrigin, FromPeer: true, Kind: core.DataString, Data: hello}, nil)
			assert.Empty(t, ds, "the CRM's next Hello")
			envs := out.Envelopes()
			require.Len(t, envs, 1)
			assert.Equal(t, core.SubtopicSnapshot, envs[0].Subtopic)
		},
	}
}

func TestHostileCorpusReplayedIntoBothRoles(t *testing.T) {
	file := loadCorpus(t)
	targets := map[string]func(*testing.T) *target{"crm": crmTarget, "softphone": softphoneTarget}
	for _, role := range []string{"crm", "softphone"} {
		t.Run(role, func(t *testing.T) {
			tg := targets[role](t)
			b := builder{t: t, role: role, file: file}
			replayed := 0
			for _, e := range file.Entries {
				if e.Name == "" {
					continue // a section heading
				}
				fromPartner := !e.foreignOnly(role) && e.Expect[role] != nil
				if !fromPartner && !e.foreignOnly(role) {
					continue
				}
				kind, data := b.message(e)
				replayed++
				t.Run(e.Name, func(t *testing.T) {
					state, actions := tg.state(), tg.actions()
					if fromPartner {
						tg.check(t, core.Inbound{Origin: tg.origin, FromPeer: true, Kind: kind, Data: data}, e.Expect[role])
					}
					for _, at := range attackers[role] {
						m := core.Inbound{Origin: at.origin, FromPeer: at.fromPeer, Kind: kind, Data: data}
						if at.reason == "" {
							assert.False(t, tg.gate.Wants([]byte(at.origin), at.fromPeer), at.name)
							continue
						}
						assert.True(t, tg.gate.Wants([]byte(at.origin), at.fromPeer), at.name)
						tg.check(t, m, []core.Reason{at.reason})
					}
					// Nothing moved, and the partner's next message still works.
					assert.Equal(t, actions, tg.actions(), "Streams actions")
					assert.Equal(t, state, tg.state(), "state")
					tg.works(t)
				})
			}
			assert.GreaterOrEqual(t, replayed, 100, "entries replayed")
		})
	}
}

// check passes m through the role's gate and asserts what the browser suites assert of each message: one
// diagnostic, of one of reasons and naming m's origin, counted once; nothing else delivered or posted (but a
// VERSION_MISMATCH answer to a Hello of another version). The caller checks the state and the next message.
func (tg *target) check(t *testing.T, m core.Inbound, reasons []core.Reason) {
	t.Helper()
	counts := tg.counts()
	ds := tg.gate.Receive(tg.role, m, func([]byte) {})
	require.Len(t, ds, 1, "deliveries from %s", m.Origin)
	require.Equal(t, core.OnDiagnostic, ds[0].Name)
	var d core.Diagnostic
	require.NoError(t, json.Unmarshal(ds[0].Payload, &d))
	assert.Contains(t, reasons, d.Reason, "from %s: %s", m.Origin, d.Detail)
	assert.Equal(t, m.Origin, d.Origin)
	counts[d.Reason]++
	assert.Equal(t, counts, tg.counts(), "counted once")
	for _, b := range tg.posted() {
		env, err := core.DecodeEnvelope(b)
		require.NoError(t, err)
		refusal := env.Subtopic == core.SubtopicHello && env.Message != nil && env.Message.Error != nil &&
			env.Message.Error.Type == "VERSION_MISMATCH"
		assert.True(t, refusal, "posted %s", b)
	}
}

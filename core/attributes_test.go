package core_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

func TestAttributeAllowlist(t *testing.T) {
	for _, names := range [][]string{{""}, {"customerId", ""}} {
		_, err := core.NewAttributeAllowlist(names)
		assert.ErrorIs(t, err, core.ErrAttributeName, "%q", names)
	}

	var none core.AttributeAllowlist
	assert.Equal(t, core.SnapshotKeys, none.SnapshotKeys())

	allow, err := core.NewAttributeAllowlist([]string{"customerId", "DNIS", "customerId", "type", "Language"})
	require.NoError(t, err)
	// The snapshot's keys and each allowed name once, as spelt (Amazon Connect's names are case-sensitive); DNIS
	// and type are keys already.
	assert.Equal(t, append(append([]string{}, core.SnapshotKeys...), "customerId", "Language"), allow.SnapshotKeys())
	assert.NotContains(t, core.SnapshotKeys, "customerId", "SnapshotKeys itself is left as it is")
}

// attributeCall is a ringing call whose contact carries attrs besides DNIS.
func attributeCall(attrs map[string]any, thirdParties int) []byte {
	legs := []coretest.Leg{
		{ID: agentLeg, Type: core.ConnAgent, State: core.ConnConnecting, At: t0},
		{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, At: t0, Number: "+161081111", Initial: true},
	}
	for i := range thirdParties {
		legs = append(legs, coretest.Leg{ID: "third-" + string(rune('a'+i)), Type: core.ConnOutbound, State: core.ConnHold, At: t0,
			Number: "+15555550100"})
	}
	return coretest.Snapshot(core.AgentPendingBusy, core.AgentTypeSystem, coretest.Call{
		ID: contact1, State: core.ContactConnecting, Queue: "InboundTest", QueuedAt: t0, DNIS: "+16013261548",
		Attributes: attrs, Legs: legs,
	})
}

// attributeRun is what a softphone allowing allow posted for one snapshot and a vendor CRM's InboundCall/StateSync.
type attributeRun struct {
	raw      [][]byte // every envelope posted, as sent
	extended []any    // ExtendedCallVariables of every call event and of every call of the Bridge Snapshot
	sync     []any    // InboundCall/StateSync's attributes
	phone    *core.Softphone
}

func runAttributes(t *testing.T, allow []string, snapshot []byte) attributeRun {
	t.Helper()
	list, err := core.NewAttributeAllowlist(allow)
	require.NoError(t, err)
	var out coretest.Outbox
	phone := core.NewSoftphone("phone-1", &coretest.Streams{}, out.Send, core.WithContactAttributes(list))
	require.NoError(t, phone.Observe(snapshot))
	assert.Empty(t, phone.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"StateSync","source":"crm"}`), "https://crm.example"))
	run := attributeRun{raw: out.Take(), phone: phone}
	snapshots := 0
	for _, b := range run.raw {
		var env struct {
			Subtopic string
			Message  struct {
				Call       map[string]any
				Calls      []map[string]any
				Attributes []any
			}
		}
		require.NoError(t, json.Unmarshal(b, &env), "%s", b)
		switch env.Subtopic {
		case core.SubtopicInboundCallStateChange:
			run.extended = append(run.extended, env.Message.Call["ExtendedCallVariables"])
		case core.SubtopicSnapshot:
			snapshots++
			for _, c := range env.Message.Calls {
				run.extended = append(run.extended, c["ExtendedCallVariables"])
			}
		case core.SubtopicStateSync:
			run.sync = env.Message.Attributes
		}
	}
	require.Equal(t, 1, snapshots, "the Bridge Snapshot was posted (postLocked drops an envelope over MaxEnvelopeBytes)")
	require.NotNil(t, run.sync, "InboundCall/StateSync was posted")
	return run
}

// TestContactAttributesLeaveOnlyWhenAllowed: ExtendedCallVariables of every call event (and of the Bridge
// Snapshot's) is an object of the allowed attributes the contact has, as strings in allowlist order, or null when
// none; InboundCall/StateSync's attributes are ANI, DNIS, then the same. Nothing else of the contact's attributes
// leaves the softphone.
func TestContactAttributesLeaveOnlyWhenAllowed(t *testing.T) {
	attrs := map[string]any{"customerId": "C-1043", "language": "fr", "secret": "s3cr3t-value"}
	aniDNIS := []any{map[string]any{"name": "ANI", "value": "+161081111"}, map[string]any{"name": "DNIS", "value": "+16013261548"}}
	attr := func(name, value string) any { return map[string]any{"name": name, "value": value} }
	for _, tc := range []struct {
		name     string
		allow    []string
		attrs    map[string]any
		extended any   // ExtendedCallVariables
		sync     []any // StateSync attributes after ANI and DNIS
	}{
		{name: "none allowed (the default)", attrs: attrs},
		{name: "allowed but absent", allow: []string{"accountNumber"}, attrs: attrs},
		{name: "one allowed", allow: []string{"customerId"}, attrs: attrs,
			extended: map[string]any{"customerId": "C-1043"}, sync: []any{attr("customerId", "C-1043")}},
		{name: "allowlist order, absent ones skipped", allow: []string{"language", "accountNumber", "customerId"}, attrs: attrs,
			extended: map[string]any{"language": "fr", "customerId": "C-1043"},
			sync:     []any{attr("language", "fr"), attr("customerId", "C-1043")}},
		{name: "values that are not strings", allow: []string{"n", "b", "f", "nul", "obj", "arr", "empty"},
			attrs:    map[string]any{"n": 42.5, "b": true, "f": false, "nul": nil, "obj": map[string]any{"a": "1"}, "arr": []any{"1"}, "empty": ""},
			extended: map[string]any{"n": "42.5", "b": "true", "f": "false", "empty": ""},
			sync:     []any{attr("n", "42.5"), attr("b", "true"), attr("f", "false"), attr("empty", "")}},
		{name: "DNIS allowed: in ExtendedCallVariables, not twice in StateSync", allow: []string{"DNIS", "customerId"}, attrs: attrs,
			extended: map[string]any{"DNIS": "+16013261548", "customerId": "C-1043"}, sync: []any{attr("customerId", "C-1043")}},
		{name: "escaped", allow: []string{`say "hi"`}, attrs: map[string]any{`say "hi"`: "é\n\"<\u2028>\\"},
			extended: map[string]any{`say "hi"`: "é\n\"<\u2028>\\"}, sync: []any{attr(`say "hi"`, "é\n\"<\u2028>\\")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := runAttributes(t, tc.allow, attributeCall(tc.attrs, 0))
			require.Len(t, run.extended, 4, "two call events and the Snapshot's two calls")
			for _, got := range run.extended {
				assert.Equal(t, tc.extended, got)
			}
			assert.Equal(t, append(append([]any{}, aniDNIS...), tc.sync...), run.sync)
			for _, b := range run.raw {
				assert.NotContains(t, string(b), "s3cr3t", "an attribute not allowed left the softphone")
				assert.NotContains(t, string(b), "secret")
			}
			assert.Empty(t, run.phone.Diagnostics.Snapshot())
		})
	}
}

// TestContactAttributesHaveABudget: the allowed attributes of a contact take at most MaxAttributesBytes as JSON;
// one that would go over is left out (the ones before it in the allowlist win) and counted TOO_LARGE, and the
// contact's events are all posted.
func TestContactAttributesHaveABudget(t *testing.T) {
	// An entry costs its quoted name, its quoted value, a colon and a comma; the object's braces 2.
	fits := 4087 // 2 + len(`"a"`) + (fits+2) + 2 == MaxAttributesBytes
	require.Equal(t, core.MaxAttributesBytes, 2+3+fits+2+2)
	for _, tc := range []struct {
		name     string
		attrs    map[string]any
		extended map[string]any
	}{
		{name: "at the limit", attrs: map[string]any{"a": strings.Repeat("x", fits)},
			extended: map[string]any{"a": strings.Repeat("x", fits)}},
		{name: "one byte over", attrs: map[string]any{"a": strings.Repeat("x", fits+1), "b": "ok"},
			extended: map[string]any{"b": "ok"}},
		{name: "over once escaped", attrs: map[string]any{"a": strings.Repeat("\"", fits/2+1), "b": "ok"},
			extended: map[string]any{"b": "ok"}},
		{name: "the first named wins", attrs: map[string]any{"a": strings.Repeat("x", 3000), "b": strings.Repeat("y", 3000)},
			extended: map[string]any{"a": strings.Repeat("x", 3000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := runAttributes(t, []string{"a", "b"}, attributeCall(tc.attrs, 0))
			for _, got := range run.extended {
				assert.Equal(t, tc.extended, got)
			}
			dropped := len(tc.attrs) - len(tc.extended)
			assert.Equal(t, map[core.Reason]int{}, without(run.phone.Diagnostics.Snapshot(), core.ReasonTooLarge))
			assert.Equal(t, dropped, run.phone.Diagnostics.Snapshot()[core.ReasonTooLarge])
		})
	}
}

func without(counts map[core.Reason]int, r core.Reason) map[core.Reason]int {
	delete(counts, r)
	return counts
}

// TestContactAttributesKeepEnvelopesUnderTheLimit: the worst case a budget allows (every byte of it a character
// JSON escapes as \u00XX, on a six-party conference, whose Bridge Snapshot repeats the attributes per party)
// still posts every envelope under MaxEnvelopeBytes, attributes included.
func TestContactAttributesKeepEnvelopesUnderTheLimit(t *testing.T) {
	attrs := map[string]any{}
	var allow []string
	for i := range 40 {
		name := "attribute-" + string(rune('A'+i))
		allow = append(allow, name)
		attrs[name] = strings.Repeat("\x01", 200)
	}
	run := runAttributes(t, allow, attributeCall(attrs, 4))
	require.Len(t, run.extended, 12, "six call events and the Snapshot's six calls")
	got, ok := run.extended[0].(map[string]any)
	require.True(t, ok, "%v", run.extended[0])
	assert.Len(t, got, 3, "as many as fit: 3 of 1,217 bytes each, escaped")
	biggest := 0
	for _, b := range run.raw {
		biggest = max(biggest, len(b))
		assert.LessOrEqual(t, len(b), core.MaxEnvelopeBytes)
	}
	assert.Greater(t, biggest, 6*core.MaxAttributesBytes*3/4, "the Snapshot carried the attributes six times")
}

package core_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

func diagnostic(t *testing.T, ds []core.Delivery) core.Diagnostic {
	t.Helper()
	require.Len(t, ds, 1)
	require.Equal(t, core.OnDiagnostic, ds[0].Name)
	var d core.Diagnostic
	require.NoError(t, json.Unmarshal(ds[0].Payload, &d))
	return d
}

// The gate checks the origin, then the window, then the kind of data, and lets nothing it refuses reach the
// role or the adapter's record of what came in; each role names what it expected.
func TestGateChecksOriginThenWindowThenKind(t *testing.T) {
	phone := core.NewSoftphone("e", &coretest.Streams{}, coretest.Discard)
	crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
	cases := []struct {
		name   string
		gate   *core.Gate
		role   core.Role
		m      core.Inbound
		want   core.Diagnostic
		admits bool
	}{
		{"CRM: another origin, from another window", core.CRMGate(softphoneOrigin), crm,
			core.Inbound{Origin: "https://evil.example", Kind: core.DataNotPlain},
			core.Diagnostic{Reason: core.ReasonWrongOrigin, Origin: "https://evil.example", Detail: "expected " + softphoneOrigin}, false},
		{"CRM: its origin, another window", core.CRMGate(softphoneOrigin), crm,
			core.Inbound{Origin: softphoneOrigin, Kind: core.DataNotPlain},
			core.Diagnostic{Reason: core.ReasonWrongSource, Origin: softphoneOrigin, Detail: "not the softphone's window"}, false},
		{"CRM: its window, not JSON", core.CRMGate(softphoneOrigin), crm,
			core.Inbound{Origin: softphoneOrigin, FromPeer: true, Kind: core.DataOtherType + 2},
			core.Diagnostic{Reason: core.ReasonNotJSON, Origin: softphoneOrigin, Detail: "data of type number"}, false},
		{"CRM: its window, JSON text", core.CRMGate(softphoneOrigin), crm,
			core.Inbound{Origin: softphoneOrigin, FromPeer: true, Kind: core.DataString, Data: []byte(`{"channel":"Amazon"}`)},
			core.Diagnostic{Reason: core.ReasonUnknownTopic, Origin: softphoneOrigin, Detail: `unknown topic "" / ""`}, true},
		{"softphone: another origin", core.SoftphoneGate(core.Origins{crmOrigin}, ccpOrigin), phone,
			core.Inbound{Origin: "null", FromPeer: true, Kind: core.DataString, Data: []byte(`{}`)},
			core.Diagnostic{Reason: core.ReasonWrongOrigin, Origin: "null", Detail: "not in crmOrigins"}, false},
		{"softphone: a CRM origin, another window", core.SoftphoneGate(core.Origins{crmOrigin}, ccpOrigin), phone,
			core.Inbound{Origin: crmOrigin, Kind: core.DataString, Data: []byte(`{}`)},
			core.Diagnostic{Reason: core.ReasonWrongSource, Origin: crmOrigin, Detail: "not the parent window"}, false},
		{"softphone: its parent, too large", core.SoftphoneGate(core.Origins{crmOrigin}, ccpOrigin), phone,
			core.Inbound{Origin: crmOrigin, FromPeer: true, Kind: core.DataTooLarge},
			core.Diagnostic{Reason: core.ReasonTooLarge, Origin: crmOrigin, Detail: "message exceeds 64 KiB"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var recorded [][]byte
			d := diagnostic(t, c.gate.Receive(c.role, c.m, func(data []byte) { recorded = append(recorded, data) }))
			assert.Equal(t, c.want, d)
			if c.admits {
				assert.Equal(t, [][]byte{c.m.Data}, recorded)
			} else {
				assert.Empty(t, recorded, "a refused message is not recorded as received")
			}
		})
	}
}

// The softphone leaves Streams' own traffic with the CCP frame alone, unless it comes from its parent.
func TestSoftphoneGateLeavesTheCCPsTrafficAlone(t *testing.T) {
	g := core.SoftphoneGate(core.Origins{crmOrigin}, ccpOrigin)
	assert.False(t, g.Wants([]byte(ccpOrigin), false))
	assert.True(t, g.Wants([]byte(ccpOrigin), true), "from the parent: refused, and said so")
	assert.True(t, g.Wants([]byte("https://evil.example"), false))
	assert.True(t, core.SoftphoneGate(core.Origins{crmOrigin}, "").Wants([]byte(ccpOrigin), false), "no CCP: everything is judged")
	assert.True(t, core.CRMGate(softphoneOrigin).Wants([]byte(ccpOrigin), false))
}

// Every kind of data that is not JSON text is refused with the reason and detail a page sees.
func TestDataKindRejections(t *testing.T) {
	cases := []struct {
		kind           core.DataKind
		reason, detail string
	}{
		{core.DataString, "", ""},
		{core.DataObject, "", ""},
		{core.DataTooLarge, "TOO_LARGE", "message exceeds 64 KiB"},
		{core.DataNotPlain, "NOT_JSON", "an object that is not a plain object"},
		{core.DataUnserialisable, "NOT_JSON", "an object JSON.stringify cannot serialise"},
		{core.DataOtherType, "NOT_JSON", "data of type undefined"},
		{core.DataOtherType + 6, "NOT_JSON", "data of type null"},
		{core.DataOtherType + 7, "NOT_JSON", "data of an unknown kind"},
		{-1, "NOT_JSON", "data of an unknown kind"},
	}
	for _, c := range cases {
		reason, detail := c.kind.Rejection()
		assert.Equal(t, core.Reason(c.reason), reason, "kind %d", c.kind)
		assert.Equal(t, c.detail, detail, "kind %d", c.kind)
	}
}

// A CRM's request from the parent reaches Streams; a Hello of another version is refused and answered with a
// Hello that names that CRM, so that it can say why nothing works.
func TestSoftphoneReceive(t *testing.T) {
	var out coretest.Outbox
	streams := &coretest.Streams{}
	phone := core.NewSoftphone("e", streams, out.Send)
	require.NoError(t, phone.Observe(ringing()))
	out.Take()
	g := core.SoftphoneGate(core.Origins{crmOrigin}, ccpOrigin)
	from := func(s string) core.Inbound {
		return core.Inbound{Origin: crmOrigin, FromPeer: true, Kind: core.DataString, Data: []byte(s)}
	}

	d := diagnostic(t, g.Receive(phone, from(`{"channel":"Amazon","topic":"Bridge","subtopic":"Hello","epoch":"crm-9","v":2}`), nil))
	assert.Equal(t, core.ReasonVersion, d.Reason)
	envs := out.Envelopes()
	require.Len(t, envs, 1)
	assert.Equal(t, "VERSION_MISMATCH", envs[0].Message.Error.Type)
	assert.Equal(t, "crm-9", envs[0].RequestID)

	d = diagnostic(t, g.Receive(phone, from(`{"channel":"Amazon","topic":"Agent","subtopic":"AgentStateChange","message":{"source":"event"}}`), nil))
	assert.Equal(t, core.Diagnostic{Reason: core.ReasonUnexpected, Origin: crmOrigin, Detail: "an event sent to the softphone"}, d)
	assert.Empty(t, out.Take())
	assert.Equal(t, map[core.Reason]int{core.ReasonVersion: 1, core.ReasonUnexpected: 1}, phone.Diagnostics.Snapshot())

	assert.Empty(t, g.Receive(phone, from(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","source":"myapp"}`), nil))
	actions := streams.Actions()
	require.Len(t, actions, 1)
	assert.Equal(t, core.ActAccept, actions[0].Kind)
}

// A softphone posts to its parent's origin when the browser reports it and it is allowed, to nobody when it is
// reported and not allowed, and otherwise to every allowed origin (the browser delivers the parent's only).
func TestPostTargets(t *testing.T) {
	allowed := core.Origins{crmOrigin, "https://staging.crm.example"}
	got, err := allowed.PostTargets(crmOrigin, true)
	require.NoError(t, err)
	assert.Equal(t, []string{crmOrigin}, got)

	got, err = allowed.PostTargets("https://evil.example", true)
	require.ErrorIs(t, err, core.ErrParentNotAllowed)
	assert.Contains(t, err.Error(), "the page embedding this softphone is https://evil.example, which is not in crmOrigins")
	assert.Empty(t, got)

	got, err = allowed.PostTargets("", false)
	require.NoError(t, err)
	assert.Equal(t, []string(allowed), got)
}

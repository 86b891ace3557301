package core_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// pair is a softphone and a CRM wired through two outboxes, delivered by hand so that a test sees each step.
type pair struct {
	t          *testing.T
	streams    *coretest.Streams
	toCRM      coretest.Outbox
	toPhone    coretest.Outbox
	phone      *core.Softphone
	crm        *core.CRM
	deliveries []core.Delivery
}

func newPair(t *testing.T) *pair {
	p := &pair{t: t, streams: &coretest.Streams{}}
	p.phone = core.NewSoftphone("phone-1", p.streams, p.toCRM.Send)
	p.crm = core.NewCRM("myapp", "crm-1", p.toPhone.Send)
	p.pump()
	return p
}

// pump delivers every queued envelope both ways until both outboxes are empty.
func (p *pair) pump() {
	for i := 0; i < 100; i++ {
		toCRM, toPhone := p.toCRM.Take(), p.toPhone.Take()
		if len(toCRM) == 0 && len(toPhone) == 0 {
			return
		}
		for _, b := range toCRM {
			p.deliveries = append(p.deliveries, p.crm.Receive(b, "https://softphone.example")...)
		}
		for _, b := range toPhone {
			require.Empty(p.t, p.phone.Receive(b, "https://crm.example"), "the softphone refused %s", b)
		}
	}
	p.t.Fatal("envelopes kept flowing")
}

// replayLateRinging delivers the ringing call events again, as if they had arrived late.
func (p *pair) replayLateRinging() {
	var out coretest.Outbox
	late := core.NewSoftphone("phone-1", &coretest.Streams{}, out.Send)
	require.NoError(p.t, late.Observe(ringing()))
	for _, b := range out.Take() {
		if env, _ := core.DecodeEnvelope(b); env.Subtopic == core.SubtopicInboundCallStateChange {
			p.deliveries = append(p.deliveries, p.crm.Receive(b, "o")...)
		}
	}
}

func (p *pair) observe(snapshot []byte) {
	require.NoError(p.t, p.phone.Observe(snapshot))
	p.pump()
}

// take returns and forgets the deliveries of the given name (all names when empty).
func (p *pair) take(name string) []map[string]any {
	var out []map[string]any
	var rest []core.Delivery
	for _, d := range p.deliveries {
		if name != "" && d.Name != name {
			rest = append(rest, d)
			continue
		}
		var m map[string]any
		require.NoError(p.t, json.Unmarshal(d.Payload, &m))
		out = append(out, m)
	}
	p.deliveries = rest
	return out
}

var t0 = time.Date(2020, 4, 9, 9, 14, 54, 955e6, time.UTC)

func ringing() []byte {
	return coretest.Snapshot(core.AgentPendingBusy, core.AgentTypeSystem, coretest.Call{
		ID: "836c56f3-07c2-418f-99e7-2565b75b575c", State: core.ContactConnecting, Queue: "InboundTest", QueuedAt: t0.Add(4 * time.Second),
		DNIS: "+16013261548",
		Legs: []coretest.Leg{
			{ID: "1233dc5f-6d09-4752-85a0-cfca6fc445e7", Type: core.ConnAgent, State: core.ConnConnecting, At: t0},
			{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, At: t0, Number: "sip:+161081111@lily-outbound", Initial: true},
		},
	})
}

func connected() []byte {
	return coretest.Snapshot(core.AgentBusy, core.AgentTypeSystem, coretest.Call{
		ID: "836c56f3-07c2-418f-99e7-2565b75b575c", State: core.ContactConnected, Queue: "InboundTest", QueuedAt: t0.Add(4 * time.Second),
		DNIS: "+16013261548",
		Legs: []coretest.Leg{
			{ID: "1233dc5f-6d09-4752-85a0-cfca6fc445e7", Type: core.ConnAgent, State: core.ConnConnected, At: t0.Add(4 * time.Second)},
			{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, At: t0, Number: "sip:+161081111@lily-outbound", Initial: true},
		},
	})
}

func answerControl() core.Control {
	c, _ := core.ControlByMethod("answerCall")
	return c
}

func wait(t *testing.T, r *core.Request) core.Result {
	t.Helper()
	select {
	case <-r.Done():
		return r.Result()
	case <-time.After(5 * time.Second):
		t.Fatal("request never ended")
		return core.Result{}
	}
}

func TestAnswerEndToEnd(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())

	agentEvents := p.take(core.OnAgentStateChange)
	require.Len(t, agentEvents, 1)
	assert.Equal(t, map[string]any{"label": "PendingBusy", "code": "PendingBusy", "type": "System"}, agentEvents[0]["agent"])
	calls := p.take(core.OnCallStateChange)
	require.Len(t, calls, 2, "one event per connection: agent then customer")
	ring := calls[0]["call"].(map[string]any)
	assert.Equal(t, "connecting", ring["event"])
	assert.Equal(t, "init", ring["ResponseActual"].(map[string]any)["previousStatus"])
	items := ring["ButtonStates"].(map[string]any)["items"].(map[string]any)
	assert.Equal(t, "Enable", items["answer"])
	assert.Equal(t, "Enable", items["reject"])
	assert.Equal(t, map[string]any{"ANI": "+161081111", "DNIS": "+16013261548"}, ring["CallVariables"], "SIP caller number normalised to E.164")
	assert.Equal(t, core.Enable, p.crm.CallBar().States[core.Answer])

	req := p.crm.Begin(answerControl(), nil)
	p.pump()
	require.Equal(t, []core.Action{{Kind: core.ActAccept, ContactID: "836c56f3-07c2-418f-99e7-2565b75b575c"}}, p.streams.Actions())
	select {
	case <-req.Done():
		t.Fatal("answer ended before the agent's leg connected")
	default:
	}
	p.observe(connected())
	res := wait(t, req)
	require.Nil(t, res.Err)

	// The resolving message is the vendor sample, but for the customer leg's ids and the timestamps.
	sample, err := os.ReadFile("testdata/answer-response.json")
	require.NoError(t, err)
	var want struct{ Message map[string]any }
	require.NoError(t, json.Unmarshal(sample, &want))
	var got map[string]any
	require.NoError(t, json.Unmarshal(res.Message, &got))
	assert.Equal(t, want.Message, got)
	assert.Empty(t, p.take(core.OnDiagnostic), "no drift, no rejected message")
}

func TestAnswerFailureCarriesAmazonMessage(t *testing.T) {
	p := newPair(t)
	p.streams.Result = func(core.Action) error {
		return errors.New("InvalidStateException: Contact is not in a state to be accepted")
	}
	p.observe(ringing())
	req := p.crm.Begin(answerControl(), nil)
	p.pump()
	res := wait(t, req)
	require.NotNil(t, res.Err)
	assert.Equal(t, "ANSWER_CALL_FAILED", res.Err.Type)
	assert.Equal(t, "InvalidStateException: Contact is not in a state to be accepted", res.Err.Code)
	assert.Equal(t, "Answering call failed.", res.Err.Message)
	assert.Equal(t, core.CauseAmazon, res.Err.Cause)
}

func TestAnswerWithoutIncomingCallIsRefusedLocally(t *testing.T) {
	p := newPair(t)
	p.observe(coretest.Snapshot("Available", core.AgentTypeRoutable))
	req := p.crm.Begin(answerControl(), nil)
	res := wait(t, req)
	require.NotNil(t, res.Err)
	assert.Equal(t, core.CauseNotAllowed, res.Err.Cause)
	assert.Equal(t, "ANSWER_CALL_FAILED", res.Err.Type)
	assert.Empty(t, p.toPhone.Take(), "nothing was sent")
	assert.Empty(t, p.streams.Actions())
}

func TestSoftphoneRefusesAnswerWhenAgentNotPendingBusy(t *testing.T) {
	streams := &coretest.Streams{}
	var out coretest.Outbox
	phone := core.NewSoftphone("e", streams, out.Send)
	require.NoError(t, phone.Observe(coretest.Snapshot("Available", core.AgentTypeRoutable)))
	out.Take()
	phone.HandleRequest(core.Envelope{Channel: "Amazon", Topic: "InboundCall", Subtopic: "Answer", Source: "legacy"})
	envs := out.Envelopes()
	require.Len(t, envs, 1)
	require.NotNil(t, envs[0].Message.Error)
	assert.Equal(t, "ANSWER_CALL_FAILED", envs[0].Message.Error.Type)
	assert.Equal(t, "Answering call failed.", envs[0].Message.Error.Message)
	assert.Equal(t, "NOT_ALLOWED", envs[0].Message.Error.Cause)
	assert.Empty(t, streams.Actions(), "Streams never touched")
}

func TestSecondAnswerWhilePendingSendsOneAccept(t *testing.T) {
	p := newPair(t)
	p.streams.Hold = true
	p.observe(ringing())
	first := p.crm.Begin(answerControl(), nil)
	second := p.crm.Begin(answerControl(), nil)
	assert.Same(t, first, second, "the CRM joins the pending answer")
	p.pump()
	// A vendor-page CRM (no request id) asking again while the accept is under way joins it too.
	p.phone.HandleRequest(core.Envelope{Channel: "Amazon", Topic: "InboundCall", Subtopic: "Answer", Source: "legacy"})
	assert.Len(t, p.streams.Actions(), 1)
	p.streams.Complete()
	p.observe(connected())
	assert.Nil(t, wait(t, first).Err)
}

func TestTimeoutEndsRequestOnce(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	req := p.crm.Begin(answerControl(), nil)
	p.crm.Abandon(req, core.CauseTimeout, "No reply within 10 ms.")
	res := wait(t, req)
	require.NotNil(t, res.Err)
	assert.Equal(t, core.CauseTimeout, res.Err.Cause)
	p.pump() // the late accept and connected event must not end it again
	p.observe(connected())
	assert.Equal(t, res, req.Result())
}

func TestLegacySoftphoneErrorWithoutRequestID(t *testing.T) {
	var out coretest.Outbox
	crm := core.NewCRM("myapp", "crm", out.Send)
	// A vendor softphone's ringing event, then its bare error envelope.
	sample, err := os.ReadFile("testdata/answer-response.json")
	require.NoError(t, err)
	var env map[string]any
	require.NoError(t, json.Unmarshal(sample, &env))
	call := env["message"].(map[string]any)["call"].(map[string]any)
	call["ButtonStates"].(map[string]any)["items"].(map[string]any)["answer"] = "Enable"
	call["ButtonStates"].(map[string]any)["items"].(map[string]any)["consult"] = "Hide"
	call["ButtonStates"].(map[string]any)["items"].(map[string]any)["numberpad"] = "Hide"
	call["ButtonStates"].(map[string]any)["items"].(map[string]any)["reject"] = "Enable"
	actual := call["ResponseActual"].(map[string]any)
	actual["status"], actual["previousStatus"] = "connecting", "init"
	actual["buttonStates"] = map[string]any{"answer": true, "reject": true, "disconnect": false, "hold": false, "resume": false,
		"clearContact": false, "consult": false, "numberpad": false, "swap": false, "transfer": false, "conference": false}
	b, _ := json.Marshal(env)
	ds := crm.Receive(b, "https://vendor.example")
	require.Len(t, ds, 1)
	assert.Equal(t, core.OnCallStateChange, ds[0].Name)

	req := crm.Begin(answerControl(), nil)
	ds = crm.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","message":{"source":"event",`+
		`"error":{"type":"ANSWER_CALL_FAILED","code":"AgentNotAvailable","message":"Answering call failed."}}}`), "https://vendor.example")
	assert.Empty(t, ds)
	res := wait(t, req)
	require.NotNil(t, res.Err)
	assert.Equal(t, "AgentNotAvailable", res.Err.Code)
}

func TestStaleEventNeverOverwritesNewerState(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	p.observe(connected())
	p.take("")
	// Replay the ringing event of the agent leg (older timestamp) as if it arrived late.
	p.replayLateRinging()
	assert.Empty(t, p.take(core.OnCallStateChange), "stale events reach no callback")
	assert.Equal(t, core.Enable, p.crm.CallBar().States[core.Hold], "still connected")
	assert.Equal(t, core.Hide, p.crm.CallBar().States[core.Answer])
}

func TestSoftphoneReloadFailsPendingAndResyncs(t *testing.T) {
	p := newPair(t)
	p.streams.Hold = true
	p.observe(ringing())
	req := p.crm.Begin(answerControl(), nil)
	p.pump()

	// The softphone window reloads: a new role, a new epoch, the same call in Streams.
	p.phone = core.NewSoftphone("phone-2", &coretest.Streams{}, p.toCRM.Send)
	p.pump()
	res := wait(t, req)
	require.NotNil(t, res.Err)
	assert.Equal(t, core.CauseReloaded, res.Err.Cause)
	diags := p.take(core.OnDiagnostic)
	require.NotEmpty(t, diags)
	assert.Equal(t, "PEER_RELOADED", diags[0]["reason"])

	p.observe(connected())
	assert.Equal(t, core.Enable, p.crm.CallBar().States[core.Hold], "the CRM holds the current call again")
	snaps := p.take(core.OnSnapshot)
	require.NotEmpty(t, snaps)
}

func TestSequenceGapAsksForSnapshot(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	p.take("")
	require.NoError(t, p.phone.Observe(connected()))
	sent := p.toCRM.Take()
	require.Greater(t, len(sent), 1)
	// Lose the first envelope.
	for _, b := range sent[1:] {
		p.deliveries = append(p.deliveries, p.crm.Receive(b, "o")...)
	}
	diags := p.take(core.OnDiagnostic)
	require.Len(t, diags, 1)
	assert.Equal(t, "SEQUENCE_GAP", diags[0]["reason"])
	p.pump() // the CRM's Hello brings a snapshot
	require.Len(t, p.take(core.OnSnapshot), 1)
	assert.Equal(t, core.Enable, p.crm.CallBar().States[core.Hold])
}

func TestForgedReplyReachesNoCallback(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	p.take("")
	ds := p.crm.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","requestId":"nope","message":{"source":"event"}}`), "o")
	require.Len(t, ds, 1)
	assert.Equal(t, core.OnDiagnostic, ds[0].Name)
	assert.JSONEq(t, `{"reason":"UNKNOWN_REQUEST","origin":"o","detail":"a reply to no pending Answer request"}`, string(ds[0].Payload))
}

func TestClearedContactEmptiesTheCallBar(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	p.observe(connected())
	require.Equal(t, core.Enable, p.crm.CallBar().States[core.Hold])
	p.take("")
	p.observe(coretest.Snapshot("Available", core.AgentTypeRoutable))
	snaps := p.take(core.OnSnapshot)
	require.Len(t, snaps, 1)
	assert.Nil(t, snaps[0]["calls"], "no call left")
	for b := core.Button(0); b < core.ButtonCount; b++ {
		assert.Equal(t, core.Hide, p.crm.CallBar().States[b], b.String())
	}
}

func TestSoftphoneThatCouldNotStartTellsTheCRM(t *testing.T) {
	p := newPair(t)
	p.phone.Fail("localStorage is blocked in the softphone frame")
	p.pump()
	diags := p.take(core.OnDiagnostic)
	require.Len(t, diags, 1)
	assert.Equal(t, "SOFTPHONE_FAILED", diags[0]["reason"])
	assert.Equal(t, "localStorage is blocked in the softphone frame", p.crm.PeerFailure())
	res := wait(t, p.crm.Begin(answerControl(), nil))
	require.NotNil(t, res.Err)
	assert.Equal(t, core.CauseNotReady, res.Err.Cause)
	assert.Contains(t, res.Err.Code, "localStorage is blocked")
	// A CRM that loads later asks again and learns the same.
	late := core.NewCRM("myapp", "crm-2", p.toPhone.Send)
	for _, b := range p.toPhone.Take() {
		require.Empty(t, p.phone.Receive(b, "https://crm.example"))
	}
	for _, b := range p.toCRM.Take() {
		late.Receive(b, "o")
	}
	assert.Equal(t, "localStorage is blocked in the softphone frame", late.PeerFailure())
}

func TestPeerOfAnotherVersionGetsAClearError(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	req := p.crm.Begin(answerControl(), nil)
	p.streams.Hold = true
	ds := p.crm.Receive([]byte(`{"channel":"Amazon","topic":"Bridge","subtopic":"Hello","epoch":"x","seq":1,"v":2}`), "o")
	require.Len(t, ds, 1)
	assert.NotEmpty(t, p.crm.PeerFailure(), "a Hello of another version decides")
	assert.Contains(t, string(ds[0].Payload), "VERSION_MISMATCH")
	res := wait(t, req)
	require.NotNil(t, res.Err)
	assert.Equal(t, core.CauseNotReady, res.Err.Cause)
	assert.Contains(t, res.Err.Code, "protocol version")

	var out coretest.Outbox
	phone := core.NewSoftphone("e", &coretest.Streams{}, out.Send)
	out.Take()
	phone.RefuseVersion(core.Envelope{Channel: "Amazon", Topic: "Hold", Subtopic: "x", Version: 2})
	assert.Empty(t, out.Take(), "only a Hello is answered")
	phone.RefuseVersion(core.Envelope{Channel: "Amazon", Topic: "Bridge", Subtopic: "Hello", Epoch: "crm-9", Version: 2})
	envs := out.Envelopes()
	require.Len(t, envs, 1)
	assert.Equal(t, "VERSION_MISMATCH", envs[0].Message.Error.Type)
	assert.Equal(t, "crm-9", envs[0].RequestID, "names the refused CRM")

	// That refusal, seen by another CRM (this one), is only a diagnostic.
	other := core.NewCRM("myapp", "crm-1", coretest.Discard)
	ds = other.Receive(core.Encode(&envs[0]), "o")
	require.Len(t, ds, 1)
	assert.Contains(t, string(ds[0].Payload), "VERSION_MISMATCH")
	assert.Empty(t, other.PeerFailure())
}

func TestEnvelopesOfAnotherVersionAreOnlyRefused(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	ds := p.crm.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Explode","v":99}`), "o")
	require.Len(t, ds, 1)
	assert.Empty(t, p.crm.PeerFailure())
	p.phone.HandleRequest(core.Envelope{}) // nothing
	req := p.crm.Begin(answerControl(), nil)
	p.pump()
	p.observe(connected())
	assert.Nil(t, wait(t, req).Err)
}

func TestCallEventsMustNameTheirConnection(t *testing.T) {
	for _, call := range []string{`{}`, `{"ResponseActual":{"connectionId":"a","contactId":"c","status":"nope","type":"agent"}}`,
		`{"ResponseActual":{"connectionId":"a","contactId":"c","status":"connected","type":"robot"}}`} {
		_, err := core.DecodeEnvelope([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"InboundCallStateChange","message":{"call":` + call + `}}`))
		var de *core.DecodeError
		require.ErrorAs(t, err, &de, call)
		assert.Equal(t, core.ReasonBadShape, de.Reason)
	}
}

func TestStaleAndDriftDiagnosticsReachCallbacks(t *testing.T) {
	p := newPair(t)
	p.observe(ringing())
	p.observe(connected())
	p.take("")
	p.replayLateRinging()
	var reasons []any
	for _, d := range p.take(core.OnDiagnostic) {
		reasons = append(reasons, d["reason"])
	}
	assert.Contains(t, reasons, "STALE_EVENT")

	// An event whose ButtonStates disagree with the table: delivered, with a drift diagnostic.
	sample, err := os.ReadFile("testdata/answer-response.json")
	require.NoError(t, err)
	drifted := strings.Replace(string(sample), `"hold": "Hide"`, `"hold": "Enable"`, 1)
	crm := core.NewCRM("s", "c", coretest.Discard)
	ds := crm.Receive([]byte(drifted), "o")
	require.Len(t, ds, 2)
	assert.Equal(t, core.OnDiagnostic, ds[0].Name)
	assert.Contains(t, string(ds[0].Payload), "BUTTONSTATES_DRIFT")
	assert.Contains(t, string(ds[0].Payload), "hold: softphone Enable, table Hide")
	assert.Equal(t, core.OnCallStateChange, ds[1].Name)
}

func texts(envelopes [][]byte) []string {
	out := make([]string, len(envelopes))
	for i, e := range envelopes {
		out[i] = string(e)
	}
	return out
}

// TestRolesKeepNothingOfTheirInput: decoded strings are views of a copy each role makes (wire.go), so a caller
// may reuse its buffer, as the wasm adapter does with one inbox for every message. Overwriting the input after
// each call changes neither what the softphone holds (it posts for the next snapshot what an untouched one
// posts) nor what the CRM delivered and holds.
func TestRolesKeepNothingOfTheirInput(t *testing.T) {
	clobber := func(b []byte) {
		for i := range b {
			b[i] = '#'
		}
	}
	// The softphone: what it posts for the next snapshot, after its input was overwritten, is what a softphone
	// that was given the same snapshots untouched posts.
	var out, want coretest.Outbox
	phone := core.NewSoftphone("phone-1", &coretest.Streams{}, out.Send)
	untouched := core.NewSoftphone("phone-1", &coretest.Streams{}, want.Send)
	buf := ringing()
	require.NoError(t, phone.Observe(buf))
	require.NoError(t, untouched.Observe(ringing()))
	clobber(buf)
	require.NoError(t, phone.Observe(connected()))
	require.NoError(t, untouched.Observe(connected()))
	got, expected := out.Take(), want.Take()
	require.NotEmpty(t, expected)
	assert.Equal(t, texts(expected), texts(got), "the softphone's state changed with its input")

	phone2 := core.NewSoftphone("phone-2", &coretest.Streams{}, out.Send)
	require.NoError(t, phone2.Observe(connected()))
	crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
	for _, e := range out.Take() {
		want, err := core.DecodeEnvelope(e)
		require.NoError(t, err)
		buf := bytes.Clone(e)
		deliveries := crm.Receive(buf, "https://softphone.example")
		kept := make([]string, len(deliveries))
		for i, d := range deliveries {
			kept[i] = string(d.Payload)
		}
		env, err := core.DecodeEnvelope(buf)
		require.NoError(t, err)
		clobber(buf)
		assert.Equal(t, want, env, "a decoded envelope changed with its input")
		for i, d := range deliveries {
			assert.Equal(t, kept[i], string(d.Payload), "a delivery changed with the input")
		}
	}
	bar := crm.CallBar()
	assert.Equal(t, core.Enable, bar.States[core.Disconnect], "the CRM's call bar after the connected call: %v", bar)
}

// TestRepeatedSnapshotIsSkipped: Streams pushes the same snapshot about once a second; the softphone skips one
// identical to the last before decoding it (no allocation, nothing posted), and still sees every change.
func TestRepeatedSnapshotIsSkipped(t *testing.T) {
	var out coretest.Outbox
	phone := core.NewSoftphone("phone-1", &coretest.Streams{}, out.Send)
	a, b := ringing(), connected()
	require.NoError(t, phone.Observe(a))
	require.NotEmpty(t, out.Take())
	again := bytes.Clone(a) // equal, not the same buffer
	assert.Zero(t, testing.AllocsPerRun(50, func() { require.NoError(t, phone.Observe(again)) }), "the repeated snapshot was decoded")
	assert.Empty(t, out.Take())
	require.NoError(t, phone.Observe(b))
	assert.NotEmpty(t, out.Take(), "ringing → connected")
	require.NoError(t, phone.Observe(a))
	assert.NotEmpty(t, out.Take(), "connected → ringing again")
	require.Error(t, phone.Observe([]byte(`{"contacts":`)))
	require.NoError(t, phone.Observe(a))
	assert.Empty(t, out.Take(), "a snapshot that failed to decode is not the last one observed")
}

// TestRequestThatCannotBePostedFailsAtOnce: when the Sender cannot reach the softphone (its frame is gone from
// the page), the request ends before Begin returns, with TRANSPORT and the Sender's reason, instead of timing out.
func TestRequestThatCannotBePostedFailsAtOnce(t *testing.T) {
	var fromPhone, toPhone coretest.Outbox
	gone := false
	crm := core.NewCRM("myapp", "crm-1", func(b []byte) error {
		if gone {
			return errors.New("the frame is gone")
		}
		return toPhone.Send(b)
	})
	phone := core.NewSoftphone("phone-1", &coretest.Streams{}, fromPhone.Send)
	require.NoError(t, phone.Observe(ringing()))
	for _, e := range fromPhone.Take() {
		crm.Receive(e, "https://softphone.example")
	}
	require.Equal(t, core.Enable, crm.CallBar().States[core.Answer])
	toPhone.Take()

	gone = true
	r := crm.Begin(answerControl(), nil)
	select {
	case <-r.Done():
	default:
		t.Fatal("the request is pending, though its envelope went nowhere")
	}
	var e *core.Error
	require.ErrorAs(t, r.Result().Err, &e)
	assert.Equal(t, core.CauseTransport, e.Cause)
	assert.Equal(t, "ANSWER_CALL_FAILED", e.Type)
	assert.Equal(t, "The request could not be posted: the frame is gone.", e.Code)

	gone = false
	again := crm.Begin(answerControl(), nil)
	assert.NotNil(t, again)
	select {
	case <-again.Done():
		t.Fatalf("a request that was posted ended at once: %v", again.Result().Err)
	default:
	}
	assert.Len(t, toPhone.Take(), 1, "the next answerCall is posted: the failed one left nothing pending")
}

// A closed softphone posts nothing: not the acknowledgement of an action Streams completes afterwards, not the
// events of later snapshots.
func TestClosedSoftphonePostsNothing(t *testing.T) {
	p := newPair(t)
	p.streams.Hold = true
	p.observe(ringing())
	p.observe(connected())
	hold, _ := core.ControlByMethod("holdCall")
	req := p.crm.Begin(hold, nil)
	p.pump() // the request reaches the softphone, whose hold waits for Streams
	require.Len(t, p.streams.Actions(), 1)
	require.Equal(t, core.ActHold, p.streams.Actions()[0].Kind)
	p.phone.Close()
	p.streams.Complete()
	require.NoError(t, p.phone.Observe(ringing()))
	assert.Empty(t, p.toCRM.Take(), "nothing posted after Close")
	select {
	case <-req.Done():
		t.Fatal("the CRM heard from a closed softphone")
	default:
	}
}

// Every request of a closed bridge fails with one error: pending at Close or begun after it.
func TestClosedCRMFailsWithOneError(t *testing.T) {
	p := newPair(t)
	p.streams.Hold = true
	p.observe(ringing())
	answer := answerControl()
	pending := p.crm.Begin(answer, nil)
	p.crm.Close()
	after := p.crm.Begin(answer, nil)
	for _, r := range []*core.Request{pending, after} {
		err := wait(t, r).Err
		require.NotNil(t, err)
		assert.Equal(t, answer.Closed(), err)
		assert.ErrorIs(t, err, core.ErrClosed)
	}
}

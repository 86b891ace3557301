package core_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// The CRM role against a softphone that speaks only the vendor's pages: no Hello, no acknowledgement, no request
// id. Each request ends with the event it causes, or with the vendor's error envelope of its topic and subtopic.

const (
	syncAgentLeg = "71707025-ca65-4693-84b0-d05d80bbccbc" // call-state-sync.response.json's agent leg
	syncCustomer = "4f9d6eda-8df1-481b-a2e6-e4379b7401f4" // and its customer's leg (ids as published)
	syncContact  = "4f9d6eda-8df1-481b-a2e6-e4379b7401f4"
)

func vendorSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/vendor-samples/" + name)
	require.NoError(t, err)
	return b
}

// legEvent is an InboundCallStateChange of the sampled call's contact: leg id of type typ now status.
func legEvent(t testing.TB, contact, id, typ, status, prev string) []byte {
	return vendorCall(t, func(call map[string]any) {
		ra := call["ResponseActual"].(map[string]any)
		ra["contactId"], ra["connectionId"], ra["type"], ra["status"], ra["previousStatus"] = contact, id, typ, status, prev
		ra["statusTimestamp"] = "2030-01-01T00:00:00.000Z"
	})
}

// agentEvent is the GetAgentState sample's SetAgentState, changed by edit.
func agentEvent(t testing.TB, edit func(m map[string]any)) []byte {
	var env map[string]any
	require.NoError(t, json.Unmarshal(vendorSample(t, "get-agent-state.response.json"), &env))
	edit(env["message"].(map[string]any))
	b, err := json.Marshal(env)
	require.NoError(t, err)
	return b
}

// requests decodes what the CRM posted as the vendor's requests.
func requests(t testing.TB, out *coretest.Outbox) []core.Envelope {
	t.Helper()
	var envs []core.Envelope
	for _, b := range out.Take() {
		env, _, err := core.DecodeRequest(b)
		require.NoError(t, err)
		envs = append(envs, env)
	}
	return envs
}

func pending(r *core.Request) bool {
	select {
	case <-r.Done():
		return false
	default:
		return true
	}
}

// vendorPeer returns a CRM that holds the sampled call (connected, customer and agent) and an outbox.
func vendorPeer(t *testing.T) (*core.CRM, *coretest.Outbox) {
	var out coretest.Outbox
	crm := core.NewCRM("myapp", "crm-1", out.Send)
	out.Take() // the Hello, which a vendor softphone ignores, and the three StateSyncs
	crm.Receive(vendorSample(t, "call-state-sync.response.json"), "https://vendor.example")
	require.Equal(t, core.Enable, crm.CallBar().States[core.Hold], "the call StateSync rebuilt the call")
	return crm, &out
}

// TestCRMAsksForTheStateInTheVendorsWords: a CRM posts its Hello and the vendor's three StateSyncs, and repeats
// them with the Hello until it knows the call: a vendor softphone answers only the StateSyncs, and a CRM page
// loaded in the middle of a call learns it from them. A softphone still loading knows nothing: its replies do not
// count as "no call".
func TestCRMAsksForTheStateInTheVendorsWords(t *testing.T) {
	subtopics := func(out *coretest.Outbox) (got []string) {
		for _, b := range out.Take() {
			var e struct{ Topic, Subtopic string }
			require.NoError(t, json.Unmarshal(b, &e))
			got = append(got, e.Topic+"/"+e.Subtopic)
		}
		return got
	}
	all := []string{"Bridge/Hello", "App/StateSync", "Agent/StateSync", "InboundCall/StateSync"}
	var out coretest.Outbox
	crm := core.NewCRM("myapp", "crm-1", out.Send)
	assert.Equal(t, all, subtopics(&out))

	crm.Receive([]byte(`{"channel":"Amazon","topic":"App","subtopic":"StateSync","message":{"initState":"Loading"}}`), "o")
	crm.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"StateSync","message":{"attributes":[],`+
		`"queueName":null,"queueTimestamp":null,"calls":[]}}`), "o")
	answer, _ := core.ControlByMethod("answerCall")
	crm.Begin(answer, nil)
	assert.Equal(t, []string{"InboundCall/Answer"}, subtopics(&out), "a loading softphone's empty call is not \"no call\"")
	crm.Hello()
	assert.Equal(t, all, subtopics(&out), "asked again")

	crm.Receive([]byte(`{"channel":"Amazon","topic":"App","subtopic":"StateSync","message":{"initState":"Loaded"}}`), "o")
	crm.Receive(vendorSample(t, "call-state-sync.response.json"), "o")
	assert.Equal(t, core.Enable, crm.CallBar().States[core.Hold], "the call StateSync rebuilt the call")
	crm.Hello()
	assert.Equal(t, []string{"Bridge/Hello"}, subtopics(&out), "the call is known: the Hello alone")

	// A ctibridge softphone answers the Hello: no more StateSyncs.
	crm = core.NewCRM("myapp", "crm-2", out.Send)
	out.Take()
	crm.Receive([]byte(`{"channel":"Amazon","topic":"Bridge","subtopic":"Hello","epoch":"sp-1","seq":1,"v":1}`), "o")
	assert.Equal(t, []string{"Bridge/Hello"}, subtopics(&out))
}

func TestVendorPeerCallRequestsEndWithTheirEvent(t *testing.T) {
	control := func(m string) core.Control { c, _ := core.ControlByMethod(m); return c }
	cases := []struct {
		name    string
		begin   func(*core.CRM) *core.Request
		sent    string // subtopic
		data    string // the data sent, as JSON
		notYet  [][]byte
		ends    func(t testing.TB) []byte
		atPost  bool // ends when posted
		before  []byte
		contact string
	}{
		{name: "hold", begin: func(c *core.CRM) *core.Request { return c.Begin(control("holdCall"), nil) }, sent: "Hold",
			data:   `"` + syncAgentLeg + `"`,
			notYet: [][]byte{legEvent(t, syncContact, syncAgentLeg, "agent", "connected", "connecting")},
			ends: func(t testing.TB) []byte {
				return legEvent(t, syncContact, syncCustomer, "inbound", "hold", "connected")
			}},
		{name: "resume", before: legEvent(t, syncContact, syncCustomer, "inbound", "hold", "connected"), begin: func(c *core.CRM) *core.Request { return c.Begin(control("resumeCall"), nil) }, sent: "Resume",
			data: `"` + syncAgentLeg + `"`,
			ends: func(t testing.TB) []byte {
				return legEvent(t, syncContact, syncCustomer, "inbound", "connected", "hold")
			}},
		{name: "disconnect a party", sent: "Disconnect", data: `"` + syncCustomer + `"`,
			begin: func(c *core.CRM) *core.Request {
				return c.Begin(control("disconnectCall"), &core.RequestArgs{ConnectionID: syncCustomer})
			},
			notYet: [][]byte{legEvent(t, syncContact, "other-party", "outbound", "disconnected", "connected")},
			ends: func(t testing.TB) []byte {
				return legEvent(t, syncContact, syncCustomer, "inbound", "disconnected", "connected")
			}},
		{name: "send digits", sent: "SendDTMF", data: `"12#"`, atPost: true,
			begin: func(c *core.CRM) *core.Request {
				return c.Begin(control("sendDigits"), &core.RequestArgs{Digits: "12#"})
			}},
		{name: "make call", sent: "SetMakeCall", data: `"+15555550100"`,
			begin: func(c *core.CRM) *core.Request {
				req, _ := core.LookupRequest(core.TopicInboundCall, "SetMakeCall")
				return c.Send("makeCall", core.Vendor(req, core.RawJSON(`"+15555550100"`)))
			},
			notYet: [][]byte{legEvent(t, syncContact, syncCustomer, "inbound", "hold", "connected")},
			ends: func(t testing.TB) []byte {
				return legEvent(t, "new-contact", "new-agent-leg", "agent", "connecting", "init")
			}},
		{name: "blind transfer", sent: "Blindtransfer", data: `"+15555550100"`,
			begin: func(c *core.CRM) *core.Request {
				req, _ := core.LookupRequest(core.TopicInboundCall, "Blindtransfer")
				return c.Send("blindTransfer", core.Vendor(req, core.RawJSON(`"+15555550100"`)))
			},
			notYet: [][]byte{legEvent(t, syncContact, "third", "outbound", "connecting", "init")},
			ends: func(t testing.TB) []byte {
				return legEvent(t, syncContact, syncAgentLeg, "agent", "disconnected", "connected")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			crm, out := vendorPeer(t)
			if c.before != nil {
				crm.Receive(c.before, "https://vendor.example")
			}
			r := c.begin(crm)
			sent := requests(t, out)
			require.Len(t, sent, 1)
			assert.Equal(t, "InboundCall", sent[0].Topic)
			assert.Equal(t, c.sent, sent[0].Subtopic)
			assert.JSONEq(t, c.data, string(sent[0].Data))
			assert.Nil(t, sent[0].Args, "only the vendor's data is sent")
			if c.atPost {
				res := wait(t, r)
				require.Nil(t, res.Err)
				return
			}
			for _, ev := range c.notYet {
				crm.Receive(ev, "https://vendor.example")
				require.True(t, pending(r), "ended by an event that does not answer it")
			}
			ev := c.ends(t)
			ds := crm.Receive(ev, "https://vendor.example")
			res := wait(t, r)
			require.Nil(t, res.Err)
			assert.Equal(t, delivered(ds, core.OnCallStateChange), []string{string(res.Message)}, "it ends with the event's message")
		})
	}
}

func TestVendorPeerAgentRequestsEndWithTheirEvent(t *testing.T) {
	lookup := func(topic, sub string) core.VendorRequest { r, _ := core.LookupRequest(topic, sub); return r }
	state := func(name, typ string, muted bool) func(testing.TB) []byte {
		return func(t testing.TB) []byte {
			return agentEvent(t, func(m map[string]any) {
				m["event"] = name
				d := m["data"].(map[string]any)
				d["type"], d["muted"] = typ, muted
				if typ != "routable" {
					d["state"], d["reasonCode"] = "Not_Ready", map[string]any{"id": name}
				}
			})
		}
	}
	cases := []struct {
		name   string
		out    *core.Outgoing
		sent   string
		notYet []func(testing.TB) []byte
		ends   func(testing.TB) []byte
	}{
		{"setNotReady", core.NotReady("Lunch"), "SetNotReady", []func(testing.TB) []byte{state("Break", "not_routable", false)},
			state("Lunch", "not_routable", false)},
		{"updateState", core.UpdateState(core.AgentStateMessage{Label: "Available", Code: "Available", Type: "routable"}), "UpdateState",
			[]func(testing.TB) []byte{state("Lunch", "not_routable", false)}, state("Available", "routable", false)},
		{"getAgentState", core.Vendor(lookup("Agent", "GetAgentState"), nil), "GetAgentState", nil, state("Lunch", "not_routable", false)},
		{"mute", core.Vendor(lookup("Agent", "Mute"), nil), "Mute", []func(testing.TB) []byte{state("Lunch", "not_routable", false)},
			state("Lunch", "not_routable", true)},
		{"unmute", core.Vendor(lookup("Agent", "Unmute"), nil), "Unmute", []func(testing.TB) []byte{state("Lunch", "not_routable", true)},
			state("Lunch", "not_routable", false)},
		{"login", core.Vendor(lookup("Agent", "Login"), nil), "Login", []func(testing.TB) []byte{state("Lunch", "not_routable", false)},
			func(t testing.TB) []byte { return vendorSample(t, "login.response.json") }},
		{"logout", core.Vendor(lookup("Agent", "Logout"), nil), "Logout", []func(testing.TB) []byte{
			func(t testing.TB) []byte { return vendorSample(t, "login.response.json") }},
			func(t testing.TB) []byte { return vendorSample(t, "logout.response.json") }},
		{"app stateSync", core.Vendor(lookup("App", "StateSync"), nil), "StateSync", []func(testing.TB) []byte{
			func(t testing.TB) []byte { return vendorSample(t, "agent-state-sync.logged-out.response.json") }},
			func(t testing.TB) []byte { return vendorSample(t, "app-state-sync.response.json") }},
		{"agent stateSync", core.Vendor(lookup("Agent", "StateSync"), nil), "StateSync", []func(testing.TB) []byte{
			func(t testing.TB) []byte { return vendorSample(t, "app-state-sync.response.json") }},
			func(t testing.TB) []byte { return vendorSample(t, "agent-state-sync.logged-out.response.json") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out coretest.Outbox
			crm := core.NewCRM("myapp", "crm-1", out.Send)
			out.Take()
			r := crm.Send(c.name, c.out)
			sent := requests(t, &out)
			require.Len(t, sent, 1, "sent: %v", r.Result().Err)
			assert.Equal(t, c.sent, sent[0].Subtopic)
			for _, ev := range c.notYet {
				crm.Receive(ev(t), "https://vendor.example")
				require.True(t, pending(r), "ended by an event that does not answer it")
			}
			ds := crm.Receive(c.ends(t), "https://vendor.example")
			res := wait(t, r)
			require.Nil(t, res.Err)
			require.Len(t, ds, 1)
			assert.Equal(t, string(ds[0].Payload), string(res.Message))
		})
	}
}

// TestVendorPeerErrorRejectsByTopicAndSubtopic: the vendor's error envelope, with no request id, rejects the
// oldest pending request of its topic and subtopic with its type, code and message; a StateSync error of
// another topic does not touch it.
func TestVendorPeerErrorRejectsByTopicAndSubtopic(t *testing.T) {
	crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
	appSync, _ := core.LookupRequest("App", "StateSync")
	sync := crm.Send("stateSync", core.Vendor(appSync, nil))
	first, second := crm.Send("setNotReady", core.NotReady("Lunch")), crm.Send("setNotReady", core.NotReady("Lunch"))
	ds := crm.Receive([]byte(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","message":{"source":"event",`+
		`"error":{"type":"X","code":"Y","message":"Z"}}}`), "o")
	assert.Len(t, delivered(ds, core.OnDiagnostic), 1, "an error of no pending request")
	require.True(t, pending(sync))
	crm.Receive([]byte(`{"channel":"Amazon","topic":"Agent","subtopic":"SetNotReady","message":{"source":"event",`+
		`"error":{"type":"AGENT_STATE_NOT_FOUND","code":"ResourceNotFoundException: Lunch","message":"Specified Agent State not found."}}}`), "o")
	res := wait(t, first)
	require.NotNil(t, res.Err)
	assert.Equal(t, [3]string{"AGENT_STATE_NOT_FOUND", "ResourceNotFoundException: Lunch", "Specified Agent State not found."},
		[3]string{res.Err.Type, res.Err.Code, res.Err.Message})
	assert.True(t, pending(second))
	assert.True(t, pending(sync))
}

// TestAgentButtonsGateAgentRequests: once the CRM holds the agent's state, a request whose agent button is not
// Enable is refused and nothing is sent; before, it is sent.
func TestAgentButtonsGateAgentRequests(t *testing.T) {
	var out coretest.Outbox
	crm := core.NewCRM("myapp", "crm-1", out.Send)
	out.Take()
	mute, _ := core.LookupRequest("Agent", "Unmute")
	r := crm.Send("unmute", core.Vendor(mute, nil))
	assert.Len(t, out.Take(), 1, "no state held: sent")
	crm.Abandon(r, core.CauseTimeout, "")
	crm.Receive(vendorSample(t, "get-agent-state.response.json"), "o") // routable, not muted: Ready and unmute Hide
	// agentState() speaks the vendor page's labels, whichever message told it.
	assert.Equal(t, &core.AgentStateMessage{Label: "Ready", Code: "Ready", Type: "Routable"}, crm.Agent())
	for _, o := range []*core.Outgoing{core.Vendor(mute, nil), core.UpdateState(core.AgentStateMessage{Label: "Available", Type: "routable"})} {
		r := crm.Send("x", o)
		res := wait(t, r)
		require.NotNil(t, res.Err)
		assert.Equal(t, core.CauseNotAllowed, res.Err.Cause)
	}
	assert.Empty(t, out.Take())
	r = crm.Send("setNotReady", core.NotReady("Lunch"))
	assert.True(t, pending(r), "NotReady is Enable")
	assert.Len(t, out.Take(), 1)
}

// TestCallStateSyncRebuildsTheCall: InboundCall/StateSync replaces the call: its legs, ANI, DNIS and queue.
func TestCallStateSyncRebuildsTheCall(t *testing.T) {
	crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
	crm.Receive(vendorSample(t, "call-state-sync.response.json"), "o")
	bar := crm.CallBar()
	assert.Equal(t, core.Enable, bar.States[core.Hold])
	assert.Equal(t, core.Enable, bar.States[core.Disconnect])
	crm.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"StateSync","message":{"attributes":[],`+
		`"queueName":null,"queueTimestamp":null,"calls":[]}}`), "o")
	assert.Equal(t, core.Aggregate(nil), crm.CallBar())
}

// TestCtibridgeSoftphoneGetsTheVendorsForm: a CRM that has heard a ctibridge softphone's Hello sends the vendor's
// SendDTMF with the digits as data, as to any peer, and waits for the acknowledgement that softphone sends.
func TestCtibridgeSoftphoneGetsTheVendorsForm(t *testing.T) {
	var out coretest.Outbox
	crm := core.NewCRM("myapp", "crm-1", out.Send)
	crm.Receive([]byte(`{"channel":"Amazon","topic":"Bridge","subtopic":"Hello","epoch":"sp-1","seq":1,"v":1}`), "o")
	out.Take()
	digits, _ := core.ControlByMethod("sendDigits")
	r := crm.Begin(digits, &core.RequestArgs{Digits: "5"})
	sent := out.Envelopes()
	require.Len(t, sent, 1)
	assert.Equal(t, "SendDTMF", sent[0].Subtopic)
	assert.Nil(t, sent[0].Args)
	assert.JSONEq(t, `"5"`, string(sent[0].Data))
	assert.True(t, pending(r), "it waits for that softphone's acknowledgement")
	crm.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SendDTMF","requestId":"`+sent[0].RequestID+
		`","epoch":"sp-1","seq":2,"v":1,"message":{"source":"event"}}`), "o")
	res := wait(t, r)
	assert.Nil(t, res.Err)
	assert.Empty(t, crm.Diagnostics.Snapshot(), "the acknowledgement answers the request it names")

	// Consult, an extension: a number as a string, a quick connect as an endpoint object naming it.
	consult, _ := core.ControlByMethod("consult")
	crm.Begin(consult, &core.RequestArgs{QuickConnect: "Billing"})
	crm.Begin(consult, &core.RequestArgs{PhoneNumber: "+15555550100"})
	sent = out.Envelopes()
	require.Len(t, sent, 2)
	assert.JSONEq(t, `{"Name":"Billing"}`, string(sent[0].Data))
	assert.JSONEq(t, `"+15555550100"`, string(sent[1].Data))
	assert.Nil(t, sent[0].Args)
}

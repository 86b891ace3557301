package core_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// vendorPhone is a softphone driven as a CRM written against the vendor's pages drives it: raw envelopes
// through Receive, without protocol version or request id.
type vendorPhone struct {
	t       *testing.T
	streams *coretest.Streams
	out     coretest.Outbox
	phone   *core.Softphone
}

func newVendorPhone(t *testing.T, snapshot []byte) *vendorPhone {
	v := &vendorPhone{t: t, streams: &coretest.Streams{}}
	v.phone = core.NewSoftphone("phone-1", v.streams, v.out.Send)
	if snapshot != nil {
		require.NoError(t, v.phone.Observe(snapshot))
	}
	v.out.Take()
	return v
}

// send posts one request and returns the diagnostics' reasons.
func (v *vendorPhone) send(request string) []core.Reason {
	var reasons []core.Reason
	for _, d := range v.phone.Receive([]byte(request), "https://crm.example") {
		var diag core.Diagnostic
		require.NoError(v.t, json.Unmarshal(d.Payload, &diag))
		reasons = append(reasons, diag.Reason)
	}
	return reasons
}

// posted returns the envelopes posted since the last call, as JSON objects.
func (v *vendorPhone) posted() []map[string]any {
	var out []map[string]any
	for _, b := range v.out.Take() {
		var m map[string]any
		require.NoError(v.t, json.Unmarshal(b, &m))
		out = append(out, m)
	}
	return out
}

// one returns the only envelope posted, checking its topic and subtopic.
func (v *vendorPhone) one(topic, subtopic string) map[string]any {
	got := v.posted()
	require.Len(v.t, got, 1, "%v", got)
	assert.Equal(v.t, topic, got[0]["topic"])
	assert.Equal(v.t, subtopic, got[0]["subtopic"])
	return got[0]["message"].(map[string]any)
}

func errorOf(t *testing.T, message map[string]any) map[string]any {
	require.Contains(t, message, "error")
	return message["error"].(map[string]any)
}

func available() []byte { return coretest.Snapshot("Available", core.AgentTypeRoutable) }

const (
	agentLeg = "1233dc5f-6d09-4752-85a0-cfca6fc445e7"
	contact1 = "836c56f3-07c2-418f-99e7-2565b75b575c"
)

// conference is a connected call with a third party on hold.
func conference() []byte {
	return coretest.Snapshot(core.AgentBusy, core.AgentTypeSystem, coretest.Call{
		ID: contact1, State: core.ContactConnected, Queue: "InboundTest", QueuedAt: t0,
		Legs: []coretest.Leg{
			{ID: agentLeg, Type: core.ConnAgent, State: core.ConnConnected, At: t0},
			{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, At: t0, Number: "+161081111", Initial: true},
			{ID: "third-1", Type: core.ConnOutbound, State: core.ConnHold, At: t0, Number: "+15555550100"},
		},
	})
}

func TestVendorOutboundCallRequestsAreRefused(t *testing.T) {
	v := newVendorPhone(t, available())
	for _, sub := range []string{"MakeCall", "SetHold", "Skip"} {
		assert.Empty(t, v.send(`{"channel":"Amazon","topic":"OutboundCall","subtopic":"`+sub+`","source":"crm"}`))
		e := errorOf(t, v.one("OutboundCall", sub))
		assert.Equal(t, "OUTBOUND_CAMPAIGN_UNSUPPORTED", e["type"])
	}
	assert.Empty(t, v.streams.Actions())
}

func TestVendorStateSyncs(t *testing.T) {
	v := newVendorPhone(t, nil)
	v.send(`{"channel":"Amazon","topic":"App","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, map[string]any{"initState": "Loading"}, v.one("App", "StateSync"))

	// No agent yet: the vendor's logged-out sample, field for field.
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
	var sample map[string]any
	b, err := os.ReadFile("testdata/vendor-samples/agent-state-sync.logged-out.response.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &sample))
	assert.Equal(t, sample["message"], v.one("Agent", "StateSync"))

	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, map[string]any{"attributes": []any{}, "queueName": nil, "queueTimestamp": nil, "calls": []any{}},
		v.one("InboundCall", "StateSync"))

	require.NoError(t, v.phone.Observe(connected()))
	v.posted()
	v.send(`{"channel":"Amazon","topic":"App","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, map[string]any{"initState": "Loaded"}, v.one("App", "StateSync"))
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, "LoggedIn", v.one("Agent", "StateSync")["loginState"])
	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"StateSync","source":"crm"}`)
	calls := v.one("InboundCall", "StateSync")["calls"].([]any)
	require.Len(t, calls, 2)
	assert.Equal(t, agentLeg, calls[0].(map[string]any)["connectionId"])
	assert.Empty(t, v.streams.Actions())
}

func TestVendorGetAgentStateAnswersSetAgentState(t *testing.T) {
	for _, sub := range []string{"GetAgentState", "GetStates"} {
		v := newVendorPhone(t, available())
		v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"` + sub + `","source":"crm"}`)
		m := v.one("Agent", "SetAgentState")
		assert.Equal(t, "Available", m["event"])
		assert.Equal(t, "event", m["source"])
		assert.Equal(t, "Ready", m["data"].(map[string]any)["state"])
	}
}

func TestVendorSendDTMF(t *testing.T) {
	v := newVendorPhone(t, connected())
	// The vendor's own sample forgets the data: answered with the error, nothing reaches Streams.
	assert.Equal(t, []core.Reason{core.ReasonBadShape}, v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SendDTMF","source":"crm"}`))
	e := errorOf(t, v.one("InboundCall", "SendDTMF"))
	assert.Equal(t, "SEND_DTMF_FAILED", e["type"])
	assert.Equal(t, "Failed to send DTMF.", e["message"])
	assert.Equal(t, []core.Reason{core.ReasonBadShape}, v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SendDTMF","data":"12a"}`))
	assert.Equal(t, "SEND_DTMF_FAILED", errorOf(t, v.one("InboundCall", "SendDTMF"))["type"])
	assert.Empty(t, v.streams.Actions())

	assert.Empty(t, v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SendDTMF","source":"crm","data":"12#"}`))
	assert.Equal(t, []core.Action{{Kind: core.ActSendDigits, ContactID: contact1, ConnectionID: agentLeg, Digits: "12#"}}, v.streams.Actions())
	assert.Empty(t, v.posted(), "no request id: no acknowledgement")
}

func TestVendorHoldResumeDisconnectTakeAConnectionID(t *testing.T) {
	cases := []struct{ request, data string }{
		{"Hold", agentLeg}, // the vendor's sample: the agent's own leg means the customer's
		{"Hold", contact1},
		{"Hold", "cust-1"},
		{"Resume", "third-1"},
		{"Disconnect", "third-1"},
	}
	want := []core.Action{
		{Kind: core.ActHold, ContactID: contact1, ConnectionID: "cust-1"},
		{Kind: core.ActHold, ContactID: contact1, ConnectionID: "cust-1"},
		{Kind: core.ActHold, ContactID: contact1, ConnectionID: "cust-1"},
		{Kind: core.ActResume, ContactID: contact1, ConnectionID: "third-1"},
		{Kind: core.ActDestroy, ContactID: contact1, ConnectionID: "third-1"},
	}
	for i, c := range cases {
		v := newVendorPhone(t, conference())
		assert.Empty(t, v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"`+c.request+`","source":"crm","data":"`+c.data+`"}`))
		assert.Equal(t, want[i:i+1], v.streams.Actions(), "%s %s", c.request, c.data)
		assert.Empty(t, v.posted())
	}
	// Bad data: the control's error, a diagnostic, nothing reaches Streams.
	v := newVendorPhone(t, conference())
	assert.Equal(t, []core.Reason{core.ReasonBadShape}, v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Hold","source":"crm","data":{"id":1}}`))
	assert.Equal(t, "HOLD_CALL_FAILED", errorOf(t, v.one("InboundCall", "Hold"))["type"])
	assert.Empty(t, v.streams.Actions())
}

func TestVendorMakeCallAndBlindTransfer(t *testing.T) {
	v := newVendorPhone(t, available())
	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SetMakeCall","source":"crm","data":"+15555550100"}`)
	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SetMakeCall","source":"crm","data":{"endpointARN":"arn:qc/1","type":"queue","name":"Sales"}}`)
	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SetMakeCall","source":"crm","data":{"Name":"Sales"}}`)
	assert.Equal(t, []core.Action{
		{Kind: core.ActConnect, PhoneNumber: "+15555550100"},
		{Kind: core.ActConnect, Endpoint: &core.Endpoint{ARN: "arn:qc/1", Type: "queue", Name: "Sales"}},
		{Kind: core.ActConnect, QuickConnect: "Sales"}, // named only: the adapter looks it up among the quick connects
	}, v.streams.Actions())
	assert.Empty(t, v.posted())
	assert.Equal(t, []core.Reason{core.ReasonBadShape}, v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SetMakeCall","data":"5550100"}`))
	assert.Equal(t, "MAKE_CALL_FAILED", errorOf(t, v.one("InboundCall", "SetMakeCall"))["type"])

	// On a call, no dialling out: the make_call button is Disable.
	v = newVendorPhone(t, connected())
	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"SetMakeCall","data":"+15555550100"}`)
	assert.Equal(t, "NOT_ALLOWED", errorOf(t, v.one("InboundCall", "SetMakeCall"))["cause"])
	assert.Empty(t, v.streams.Actions())

	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Blindtransfer","data":{"Type":"queue","Name":"Sales","EndpointARN":"arn:qc/1"}}`)
	assert.Equal(t, []core.Action{
		{Kind: core.ActAddConnection, ContactID: contact1, Endpoint: &core.Endpoint{ARN: "arn:qc/1", Type: "queue", Name: "Sales"}},
		{Kind: core.ActDestroy, ContactID: contact1, ConnectionID: agentLeg},
	}, v.streams.Actions())
	assert.Empty(t, v.posted())

	// Adding the party fails: the agent stays, the error carries Amazon's text.
	v = newVendorPhone(t, connected())
	v.streams.Result = func(core.Action) error { return errors.New("Invalid endpoint") }
	v.send(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Blindtransfer","data":"+15555550100"}`)
	e := errorOf(t, v.one("InboundCall", "Blindtransfer"))
	assert.Equal(t, "BLIND_TRANSFER_FAILED", e["type"])
	assert.Equal(t, "Invalid endpoint", e["code"])
	assert.Len(t, v.streams.Actions(), 1)
}

// TestCcpAgentStateWhenTheCCPLeavesTheCRMsState: once a CRM has set the agent's state, a change to another
// state in Amazon Connect (the CCP, a call, after-call work) is pushed as CcpAgentState {name, type}; none
// before a CRM has set one, and none for the change the CRM asked for.
func TestCcpAgentStateWhenTheCCPLeavesTheCRMsState(t *testing.T) {
	ccp := func(v *vendorPhone) (got []map[string]any) {
		for _, m := range v.posted() {
			if m["subtopic"] == "CcpAgentState" {
				got = append(got, m["message"].(map[string]any))
			}
		}
		return got
	}
	v := newVendorPhone(t, available())
	require.NoError(t, v.phone.Observe(coretest.Snapshot("Break", core.AgentTypeNotRoutable)))
	assert.Empty(t, ccp(v), "no CRM has set a state")

	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"SetNotReady","data":{"ReasonCodeId":"Lunch"}}`)
	require.NoError(t, v.phone.Observe(coretest.Snapshot("Lunch", core.AgentTypeNotRoutable)))
	assert.Empty(t, ccp(v), "the state the CRM asked for")

	require.NoError(t, v.phone.Observe(coretest.Snapshot("Meeting", core.AgentTypeNotRoutable)))
	assert.Equal(t, []map[string]any{{"name": "Meeting", "type": "not_routable"}}, ccp(v))
}

func TestVendorAgentStateChanges(t *testing.T) {
	v := newVendorPhone(t, available())
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"SetNotReady","source":"crm","data":{"ReasonCodeId":"Lunch"}}`)
	assert.Equal(t, []core.Action{{Kind: core.ActSetAgentState, AgentState: "Lunch"}}, v.streams.Actions())
	assert.Empty(t, v.posted(), "answered by the change, not by Streams' success")
	require.NoError(t, v.phone.Observe(coretest.Snapshot("Lunch", core.AgentTypeNotRoutable)))
	var set map[string]any
	for _, m := range v.posted() {
		if m["subtopic"] == "SetAgentState" {
			set = m["message"].(map[string]any)
		}
	}
	require.NotNil(t, set, "SetAgentState pushed on the change")
	assert.Equal(t, "Lunch", set["event"])
	assert.Equal(t, map[string]any{"id": "Lunch"}, set["data"].(map[string]any)["reasonCode"])

	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"UpdateState","data":{"label":"Available","code":"Available","type":"routable"}}`)
	assert.Equal(t, core.Action{Kind: core.ActSetAgentState, AgentState: "Available"}, v.streams.Actions()[1])

	// Failures: the state is not the agent's; Amazon refuses.
	v.streams.Result = func(core.Action) error { return fmt.Errorf("%w: Dinner", core.ErrAgentStateNotFound) }
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"SetNotReady","data":{"ReasonCodeId":"Dinner"}}`)
	e := errorOf(t, v.one("Agent", "SetNotReady"))
	assert.Equal(t, "AGENT_STATE_NOT_FOUND", e["type"])
	assert.Equal(t, "Specified Agent State not found.", e["message"])
	v.streams.Result = func(core.Action) error { return errors.New("AccessDeniedException") }
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Update","data":{"label":"Break","code":"Break","type":"not_routable"}}`)
	e = errorOf(t, v.one("Agent", "Update"))
	assert.Equal(t, "UPDATE_AGENT_STATE_FAILED", e["type"])
	assert.Equal(t, "Agent state change failed.", e["message"])
	assert.Equal(t, "AccessDeniedException", e["code"])

	// Bad data never reaches Streams.
	n := len(v.streams.Actions())
	assert.Equal(t, []core.Reason{core.ReasonBadShape}, v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"SetNotReady","data":"Lunch"}`))
	assert.Equal(t, "UPDATE_AGENT_STATE_FAILED", errorOf(t, v.one("Agent", "SetNotReady"))["type"])
	assert.Len(t, v.streams.Actions(), n)
}

func TestVendorMute(t *testing.T) {
	v := newVendorPhone(t, connected())
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Mute","source":"crm"}`)
	assert.Equal(t, []core.Action{{Kind: core.ActMute}}, v.streams.Actions())
	m := v.one("Agent", "SetAgentState")
	assert.Equal(t, true, m["data"].(map[string]any)["muted"])
	items := m["rules"].(map[string]any)["ButtonStates"].(map[string]any)["items"].(map[string]any)
	assert.Equal(t, "Hide", items["mute"])
	assert.Equal(t, "Enable", items["unmute"])
	// Muted already: the mute button is Hide, so a second Mute is refused.
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Mute"}`)
	assert.Equal(t, "MUTE_FAILED", errorOf(t, v.one("Agent", "Mute"))["type"])
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Unmute"}`)
	assert.Equal(t, false, v.one("Agent", "SetAgentState")["data"].(map[string]any)["muted"])
	assert.Len(t, v.streams.Actions(), 2)
}

func TestVendorLoginLogout(t *testing.T) {
	v := newVendorPhone(t, nil)
	v.phone.SetSession(instance(t))
	require.NoError(t, v.phone.Observe(available()))
	v.posted()
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	assert.Equal(t, "LoggedIn", v.one("Agent", "LoginSuccess")["loginState"])
	assert.Empty(t, v.streams.Actions(), "signed in: answered at once")

	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","source":"crm"}`)
	assert.Equal(t, []core.Action{{Kind: core.ActSetAgentState, AgentState: "Offline"},
		{Kind: core.ActLogout, URL: "https://example.my.connect.aws/connect/logout"}}, v.streams.Actions())
	m := v.one("Agent", "LogoutSuccess")
	assert.Equal(t, "LoggedOut", m["loginState"])
	assert.Equal(t, "Available", m["agentState"].(map[string]any)["name"])
	assert.Equal(t, "Enable", m["rules"].(map[string]any)["ButtonStates"].(map[string]any)["items"].(map[string]any)["NotReady"],
		"the buttons the agent had, signed in, as the vendor's sample shows them")
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync"}`)
	assert.Equal(t, "LoggedOut", v.one("Agent", "StateSync")["loginState"])
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"SetNotReady","data":{"ReasonCodeId":"Lunch"}}`)
	assert.Equal(t, "UPDATE_AGENT_STATE_FAILED", errorOf(t, v.one("Agent", "SetNotReady"))["type"], "signed out")

	// Signed out, a Login needs the login window; the CCP acknowledges, and the snapshot Streams reports then
	// (the agent as before the logout, byte for byte) answers it.
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	assert.Equal(t, core.Action{Kind: core.ActLogin, URL: "https://example.my.connect.aws/ccp-v2/"}, v.streams.Actions()[2])
	assert.Empty(t, v.posted(), "the request waits for the agent")
	require.NoError(t, v.phone.Observe(available()))
	m = v.one("Agent", "LoginSuccess")
	assert.Equal(t, "LoggedIn", m["loginState"])
	assert.Equal(t, "Available", m["agentState"].(map[string]any)["name"])
}

// instance is the session of a softphone on a real instance's CCP.
func instance(t *testing.T) core.Session {
	s, err := core.NewSession("https://example.my.connect.aws/ccp-v2/", "", "")
	require.NoError(t, err)
	return s
}

func TestNewSession(t *testing.T) {
	s, err := core.NewSession("https://example.my.connect.aws/ccp-v2/", "", "")
	require.NoError(t, err)
	assert.Equal(t, core.Session{LoginURL: "https://example.my.connect.aws/ccp-v2/", LogoutURL: "https://example.my.connect.aws/connect/logout"}, s,
		"Streams opens the CCP as its login window; the logout endpoint is on the CCP's origin")
	s, err = core.NewSession("http://127.0.0.1:8002/emulator/index.html?persist=1", "http://127.0.0.1:8002/emulator/login.html",
		"http://127.0.0.1:8002/emulator/logout.html")
	require.NoError(t, err)
	assert.Equal(t, core.Session{LoginURL: "http://127.0.0.1:8002/emulator/login.html", LogoutURL: "http://127.0.0.1:8002/emulator/logout.html"}, s)
	s, err = core.NewSession("", "", "")
	require.NoError(t, err)
	assert.Equal(t, core.Session{}, s, "no CCP, no options: nothing known")
	for _, c := range [][3]string{{"https://example.my.connect.aws/ccp-v2/", "/login", ""}, {"https://example.my.connect.aws/ccp-v2/", "", "javascript:alert(1)"},
		{"example.my.connect.aws", "", ""}} {
		_, err := core.NewSession(c[0], c[1], c[2])
		assert.ErrorContains(t, err, "is not an absolute http(s) URL", "%q", c)
	}
}

// Signed out, Login opens the login window and waits; a second Login joins the first (one window); both get
// LoginSuccess, with the agent's identity, once Streams reports the agent.
func TestVendorLoginWaitsForTheAgentToSignIn(t *testing.T) {
	v := newVendorPhone(t, nil)
	v.streams.Hold = true
	v.phone.SetSession(instance(t))
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	assert.Equal(t, []core.Action{{Kind: core.ActLogin, URL: "https://example.my.connect.aws/ccp-v2/"}}, v.streams.Actions())
	assert.Empty(t, v.posted())
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, "LoggingIn", v.one("Agent", "StateSync")["loginState"])
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","requestId":"second"}`)
	assert.Len(t, v.streams.Actions(), 1, "no second window")

	v.streams.Complete() // the CCP acknowledged
	assert.Empty(t, v.posted(), "LoginSuccess waits for Streams to report the agent")
	require.NoError(t, v.phone.Configure([]byte(janeConfiguration)))
	require.NoError(t, v.phone.Observe(available()))
	var logins []map[string]any
	for _, m := range v.posted() {
		if m["subtopic"] == core.SubtopicLoginSuccess {
			logins = append(logins, m)
		}
	}
	require.Len(t, logins, 2)
	assert.Nil(t, logins[0]["requestId"])
	assert.Equal(t, "second", logins[1]["requestId"])
	for _, m := range logins {
		msg := m["message"].(map[string]any)
		assert.Equal(t, "LoggedIn", msg["loginState"])
		assert.Equal(t, "jane.doe", msg["agentInfo"].(map[string]any)["loginName"])
	}
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	assert.Equal(t, "LoggedIn", v.one("Agent", "LoginSuccess")["loginState"])
	assert.Len(t, v.streams.Actions(), 1)
}

// A login window the browser blocks, one closed before the agent signed in, an agent who never signs in and an
// adapter failure: every waiting Login gets LOGIN_FAILED saying what to do, and a later Login tries again.
func TestVendorLoginFailures(t *testing.T) {
	for _, c := range []struct {
		err   error
		cause core.Cause
		code  string
	}{
		{fmt.Errorf("open: %w", core.ErrLoginWindowBlocked), core.CauseNotAllowed, "Allow pop-ups for the softphone's site in the browser, or sign in from the softphone page."},
		{core.ErrLoginWindowClosed, core.CauseNotReady, "The login window was closed before the agent signed in"},
		{core.ErrLoginTimedOut, core.CauseTimeout, "did not sign in to Amazon Connect in time"},
		{errors.New("There is no upstream conduit!"), core.CauseAmazon, "There is no upstream conduit!"},
	} {
		t.Run(c.err.Error(), func(t *testing.T) {
			v := newVendorPhone(t, nil)
			v.streams.Hold = true
			v.streams.Result = func(core.Action) error { return c.err }
			v.phone.SetSession(instance(t))
			v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
			v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","requestId":"second"}`)
			v.streams.Complete()
			got := v.posted()
			require.Len(t, got, 2)
			for _, m := range got {
				assert.Equal(t, "Login", m["subtopic"])
				e := errorOf(t, m["message"].(map[string]any))
				assert.Equal(t, "LOGIN_FAILED", e["type"])
				assert.Equal(t, "Agent login failed.", e["message"])
				assert.Equal(t, string(c.cause), e["cause"])
				assert.Contains(t, e["code"], c.code)
			}
			assert.Equal(t, "second", got[1]["requestId"])
			v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
			assert.Equal(t, "LoggedOut", v.one("Agent", "StateSync")["loginState"])
			v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
			assert.Len(t, v.streams.Actions(), 2, "a later Login opens the window again")
		})
	}
}

// Without a login URL (no ccpUrl) or a logout endpoint, Login and Logout say so; a softphone that could not start
// refuses both; nothing reaches Streams.
func TestVendorLoginLogoutRefusals(t *testing.T) {
	v := newVendorPhone(t, nil)
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	e := errorOf(t, v.one("Agent", "Login"))
	assert.Equal(t, "LOGIN_FAILED", e["type"])
	assert.Contains(t, e["code"], "no login URL")
	require.NoError(t, v.phone.Observe(available()))
	v.posted()
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","source":"crm"}`)
	e = errorOf(t, v.one("Agent", "Logout"))
	assert.Equal(t, "LOGOUT_FAILED", e["type"])
	assert.Contains(t, e["code"], "logout endpoint")

	failed := newVendorPhone(t, nil)
	failed.phone.SetSession(instance(t))
	failed.phone.Fail("initCCP threw")
	failed.posted()
	failed.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	assert.Contains(t, errorOf(t, failed.one("Agent", "Login"))["code"], "initCCP threw")
	failed.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","source":"crm"}`)
	assert.Equal(t, "LOGOUT_FAILED", errorOf(t, failed.one("Agent", "Logout"))["type"])
	assert.Empty(t, v.streams.Actions())
	assert.Empty(t, failed.streams.Actions())
}

// Logout is refused while the agent has a contact, ringing, live or in after-call work: the session's end would
// drop the caller. Nothing reaches Streams.
func TestVendorLogoutRefusedWithAContact(t *testing.T) {
	ended := coretest.Snapshot(core.AgentAfterCallWork, core.AgentTypeSystem, coretest.Call{ID: contact1, State: core.ContactEnded,
		Legs: []coretest.Leg{{ID: agentLeg, Type: core.ConnAgent, State: core.ConnDisconnected, At: t0}}})
	for name, snapshot := range map[string][]byte{"connected": connected(), "conference": conference(), "after-call work": ended} {
		t.Run(name, func(t *testing.T) {
			v := newVendorPhone(t, snapshot)
			v.phone.SetSession(instance(t))
			v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","source":"crm"}`)
			e := errorOf(t, v.one("Agent", "Logout"))
			assert.Equal(t, "LOGOUT_FAILED", e["type"])
			assert.Equal(t, "NOT_ALLOWED", e["cause"])
			assert.Contains(t, e["code"], "the caller is dropped")
			assert.Empty(t, v.streams.Actions())
		})
	}
}

// A Logout while one is under way joins it; StateSync says LoggingOut meanwhile and a Login is refused;
// LogoutSuccess reports the agent as the Logout found it. A failure of the logout endpoint answers both Logouts
// with LOGOUT_FAILED and leaves the agent signed in.
func TestVendorLogoutUnderWay(t *testing.T) {
	v := newVendorPhone(t, available())
	v.streams.Hold = true
	v.phone.SetSession(instance(t))
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","source":"crm"}`)
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","requestId":"second"}`)
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, "LoggingOut", v.one("Agent", "StateSync")["loginState"])
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	assert.Contains(t, errorOf(t, v.one("Agent", "Login"))["code"], "A logout is under way")
	v.streams.Complete() // Offline set
	require.Len(t, v.streams.Actions(), 2)
	require.NoError(t, v.phone.Observe(coretest.Snapshot("Offline", core.AgentTypeOffline)))
	v.posted()
	v.streams.Complete() // the logout endpoint loaded
	got := v.posted()
	require.Len(t, got, 2)
	assert.Equal(t, "LogoutSuccess", got[0]["subtopic"])
	assert.Equal(t, "Available", got[0]["message"].(map[string]any)["agentState"].(map[string]any)["name"],
		"the agent as the Logout found it, not Offline")
	assert.Equal(t, "second", got[1]["requestId"])
	assert.Equal(t, "LogoutSuccess", got[1]["subtopic"])

	w := newVendorPhone(t, available())
	w.streams.Hold = true
	w.streams.Result = func(a core.Action) error {
		if a.Kind == core.ActLogout {
			return errors.New("the logout endpoint did not load within 30 s")
		}
		return nil
	}
	w.phone.SetSession(instance(t))
	w.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","source":"crm"}`)
	w.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Logout","requestId":"second"}`)
	w.streams.Complete()
	w.streams.Complete()
	got = w.posted()
	require.Len(t, got, 2)
	for _, m := range got {
		e := errorOf(t, m["message"].(map[string]any))
		assert.Equal(t, "LOGOUT_FAILED", e["type"])
		assert.Equal(t, "the logout endpoint did not load within 30 s", e["code"])
	}
	w.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, "LoggedIn", w.one("Agent", "StateSync")["loginState"])
}

// SetAgentState is pushed unsolicited, with no request id, to every CRM: with the first snapshot after the
// softphone (re)loads and on every agent change; a CRM of the vendor's pages has no other way to learn them.
func TestSetAgentStatePushedOnEveryAgentChange(t *testing.T) {
	v := &vendorPhone{t: t, streams: &coretest.Streams{}}
	v.phone = core.NewSoftphone("phone-1", v.streams, v.out.Send)
	pushed := func() (events []map[string]any) {
		for _, m := range v.posted() {
			if m["topic"] == "Agent" && m["subtopic"] == "SetAgentState" {
				events = append(events, m)
			}
		}
		return events
	}
	require.NoError(t, v.phone.Observe(available()))
	events := pushed()
	require.Len(t, events, 1)
	assert.Nil(t, events[0]["requestId"])
	m := events[0]["message"].(map[string]any)
	assert.Equal(t, "Available", m["event"])

	require.NoError(t, v.phone.Observe(coretest.Snapshot("Lunch", core.AgentTypeNotRoutable)))
	events = pushed()
	require.Len(t, events, 1)
	m = events[0]["message"].(map[string]any)
	assert.Equal(t, "Lunch", m["event"])
	assert.Equal(t, "Lunch", m["data"].(map[string]any)["reasonCode"].(map[string]any)["id"])

	require.NoError(t, v.phone.Observe(coretest.Snapshot("Lunch", core.AgentTypeNotRoutable)))
	assert.Empty(t, pushed(), "no change, no event")

	// The call alone changes the agent's buttons (the agent's state as Streams reports it stays the same here):
	// pushed after the call's event, with the call's buttons.
	ring := coretest.Snapshot("Lunch", core.AgentTypeNotRoutable, coretest.Call{ID: "c1", State: core.ContactConnecting,
		Legs: []coretest.Leg{{ID: "a1", Type: core.ConnAgent, State: core.ConnConnecting}, {ID: "p1", Type: core.ConnInbound, State: core.ConnConnected, Initial: true}}})
	require.NoError(t, v.phone.Observe(ring))
	posted := v.posted()
	require.GreaterOrEqual(t, len(posted), 2)
	last := posted[len(posted)-1]
	require.Equal(t, "SetAgentState", last["subtopic"], "after the call's events")
	items := last["message"].(map[string]any)["rules"].(map[string]any)["ButtonStates"].(map[string]any)["items"].(map[string]any)
	assert.NotEqual(t, "Enable", items["make_call"], "no dialling out while a call rings")
	require.NoError(t, v.phone.Observe(coretest.Snapshot("Lunch", core.AgentTypeNotRoutable)))
	events = pushed()
	require.Len(t, events, 1, "the call went away")
	items = events[0]["message"].(map[string]any)["rules"].(map[string]any)["ButtonStates"].(map[string]any)["items"].(map[string]any)
	assert.Equal(t, "Enable", items["make_call"])
}

func TestEventWordsOfEndedLegs(t *testing.T) {
	agent := core.Connection{ID: "a", Type: core.ConnAgent, State: core.ConnDisconnected}
	party := core.Connection{ID: "p", Type: core.ConnOutbound, State: core.ConnDisconnected}
	live := core.Connection{ID: "p", Type: core.ConnInbound, State: core.ConnHold}
	for _, c := range []struct {
		contact  core.ContactState
		conn     core.Connection
		previous core.ConnectionState
		want     string
	}{
		{core.ContactConnected, live, core.ConnConnected, "hold"},
		{core.ContactConnected, party, core.ConnConnected, "Dropped"},
		{core.ContactEnded, agent, core.ConnConnected, "ACW"},
		{core.ContactEnded, agent, core.ConnHold, "ACW"},
		{core.ContactConnecting, agent, core.ConnConnecting, "missed"},
		{core.ContactMissed, agent, core.ConnDisconnected, "missed"},
		{core.ContactRejected, agent, core.ConnConnecting, "Rejected"},
	} {
		contact := &core.Contact{ID: "c", State: c.contact, Connections: []core.Connection{c.conn}}
		assert.Equal(t, c.want, core.EventWord(contact, &contact.Connections[0], c.previous), "%+v", c)
		ev := core.NewCallEvent(contact, 0, c.previous)
		assert.Equal(t, c.want, ev.Event)
		assert.Equal(t, c.conn.State, ev.ResponseActual.Status, "the status keeps Streams' state")
	}
}

// A call that ends after being answered: the agent's leg's event says ACW, its status disconnected.
func TestSoftphoneReportsACWWhenTheCallEnds(t *testing.T) {
	v := newVendorPhone(t, connected())
	require.NoError(t, v.phone.Observe(available()))
	var words []any
	for _, m := range v.posted() {
		if m["subtopic"] == core.SubtopicInboundCallStateChange {
			call := m["message"].(map[string]any)["call"].(map[string]any)
			words = append(words, call["event"], call["ResponseActual"].(map[string]any)["status"])
		}
	}
	assert.Equal(t, []any{"ACW", "disconnected", "Dropped", "disconnected"}, words)
}

// The agent's leg muted in Streams (the CCP's own mute button, a supervisor) is a mute change: a vendor CRM
// gets SetAgentState.
func TestMuteInTheSnapshotPushesSetAgentState(t *testing.T) {
	v := newVendorPhone(t, connected())
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"GetAgentState"}`)
	v.posted()
	muted := coretest.Snapshot(core.AgentBusy, core.AgentTypeSystem, coretest.Call{
		ID: contact1, State: core.ContactConnected, Queue: "InboundTest", QueuedAt: t0.Add(4 * time.Second), DNIS: "+16013261548",
		Legs: []coretest.Leg{
			{ID: agentLeg, Type: core.ConnAgent, State: core.ConnConnected, At: t0.Add(4 * time.Second), Muted: true},
			{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, At: t0, Number: "sip:+161081111@lily-outbound", Initial: true},
		},
	})
	require.NoError(t, v.phone.Observe(muted))
	m := v.one("Agent", "SetAgentState")
	assert.Equal(t, true, m["data"].(map[string]any)["muted"])
	require.NoError(t, v.phone.Observe(connected()))
	assert.Equal(t, false, v.one("Agent", "SetAgentState")["data"].(map[string]any)["muted"])
}

const janeConfiguration = `{"name":"Jane Doe","username":"jane.doe","extension":"","softphoneEnabled":true,` +
	`"agentARN":"arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/a-1"}`

// Streams' agent configuration is who the agent is in every agent message: agentInfo of LoginSuccess, StateSync
// and LogoutSuccess, the identity in SetAgentState's data. A change of it is pushed; a configuration core cannot
// read is an error and changes nothing.
func TestVendorAgentInfoFromStreamsConfiguration(t *testing.T) {
	v := newVendorPhone(t, nil)
	require.NoError(t, v.phone.Configure([]byte(janeConfiguration)))
	require.NoError(t, v.phone.Observe(available()))
	v.posted()
	jane := map[string]any{"name": "Jane Doe", "id": "a-1", "extension": "", "loginName": "jane.doe", "muted": false, "softphoneEnabled": true}

	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"Login","source":"crm"}`)
	assert.Equal(t, jane, v.one("Agent", "LoginSuccess")["agentInfo"])
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, jane, v.one("Agent", "StateSync")["agentInfo"])
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"GetAgentState","source":"crm"}`)
	data := v.one("Agent", "SetAgentState")["data"].(map[string]any)
	for _, k := range []string{"name", "extension", "loginName", "softphoneEnabled"} {
		assert.Equal(t, jane[k], data[k], k)
	}

	require.NoError(t, v.phone.Configure([]byte(janeConfiguration)))
	assert.Empty(t, v.posted(), "the same configuration again is no change")
	require.NoError(t, v.phone.Configure([]byte(`{"name":"Jane Roe","username":"jane.doe","extension":"+15555550199","softphoneEnabled":false,`+
		`"agentARN":"arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/a-1"}`)))
	data = v.one("Agent", "SetAgentState")["data"].(map[string]any)
	assert.Equal(t, "Jane Roe", data["name"])
	assert.Equal(t, "+15555550199", data["extension"])
	assert.Equal(t, false, data["softphoneEnabled"])

	require.Error(t, v.phone.Configure([]byte(`{"name":`)))
	require.Error(t, v.phone.Configure([]byte(`{"name":7}`)))
	assert.Empty(t, v.posted())
	v.send(`{"channel":"Amazon","topic":"Agent","subtopic":"StateSync","source":"crm"}`)
	assert.Equal(t, "Jane Roe", v.one("Agent", "StateSync")["agentInfo"].(map[string]any)["name"], "kept across a bad configuration")
}

// The keys the adapter keeps of Streams' agent configuration are exactly the json names StreamsConfiguration reads.
func TestConfigurationKeysAreTheConfigurationsJSONNames(t *testing.T) {
	want := map[string]bool{}
	jsonNames(reflect.TypeOf(core.StreamsConfiguration{}), want, map[reflect.Type]bool{})
	got := map[string]bool{}
	for _, k := range core.ConfigurationKeys {
		got[k] = true
	}
	assert.Len(t, core.ConfigurationKeys, len(got), "no key twice")
	assert.Equal(t, sorted(want), sorted(got))
}

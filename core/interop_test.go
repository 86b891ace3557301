package core_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// Tests against a peer that is not ctibridge: a softphone or a CRM written from the vendor's pages only. Their
// envelopes are the vendor samples (testdata/vendor-samples, copied verbatim from the vendor's pages) and
// variations of them that the vendor's pages allow.

const incomingCall = "testdata/vendor-samples/incoming-call.response.json"

// sampleMessage returns the text of the top-level "message" of a sample, exactly as written in the file.
func sampleMessage(t testing.TB, data []byte) string {
	t.Helper()
	var env struct{ Message json.RawMessage }
	require.NoError(t, json.Unmarshal(data, &env))
	return string(env.Message)
}

// vendorCall returns the incoming-call sample with its call changed by edit.
func vendorCall(t testing.TB, edit func(call map[string]any)) []byte {
	t.Helper()
	data, err := os.ReadFile(incomingCall)
	require.NoError(t, err)
	var env map[string]any
	require.NoError(t, json.Unmarshal(data, &env))
	edit(env["message"].(map[string]any)["call"].(map[string]any))
	b, err := json.Marshal(env)
	require.NoError(t, err)
	return b
}

// delivered returns the payloads delivered to the callbacks of name.
func delivered(ds []core.Delivery, name string) []string {
	var out []string
	for _, d := range ds {
		if d.Name == name {
			out = append(out, string(d.Payload))
		}
	}
	return out
}

// freeFieldValues are JSON values a vendor peer may put in ActionsAllowed, ExtendedCallVariables and fromAddress.
var freeFieldValues = []string{
	`{"customerId":"C-1043","language":"fr"}`, `["Answer","Hold"]`, `"sip:+15555550100@example.com"`, `42`, `-0.5e3`,
	`true`, `false`, `{}`, `[]`, `""`, `{"a":[1,{"b":null}],"c":"\u00e9\n\"q\""}`, `{ "spaced" : [ 1 , 2 ] }`,
}

// TestFreeFieldsReachTheCallbackUnchanged: a vendor peer fills ActionsAllowed, ExtendedCallVariables and
// fromAddress; the CRM delivers the event, those values as sent.
func TestFreeFieldsReachTheCallbackUnchanged(t *testing.T) {
	data, err := os.ReadFile(incomingCall)
	require.NoError(t, err)
	for _, field := range []string{`"ActionsAllowed": null`, `"ExtendedCallVariables": null`, `"fromAddress": null`} {
		for _, v := range freeFieldValues {
			t.Run(field+"="+v, func(t *testing.T) {
				in := strings.Replace(string(data), field, strings.Replace(field, "null", v, 1), 1)
				require.NotEqual(t, string(data), in)
				crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
				ds := crm.Receive([]byte(in), "https://vendor.example")
				got := delivered(ds, core.OnCallStateChange)
				require.Len(t, got, 1, "deliveries: %v", ds)
				assert.Equal(t, sampleMessage(t, []byte(in)), got[0])
				assert.Contains(t, got[0], v)
			})
		}
	}
}

// TestVendorSamplesAreDelivered: every vendor sample a softphone sends (an envelope with a message) is accepted
// by the CRM and delivered, exactly as written, to the callbacks of its subtopic (the three StateSyncs share
// one name), with no diagnostic.
func TestVendorSamplesAreDelivered(t *testing.T) {
	files, err := filepath.Glob("testdata/vendor-samples/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var names []string
	for _, name := range append(files, "testdata/answer-response.json") {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		var env struct {
			Topic, Subtopic string
			Message         json.RawMessage
		}
		require.NoError(t, json.Unmarshal(data, &env), name)
		if env.Message == nil {
			continue // a request: a softphone's input
		}
		names = append(names, env.Topic+"/"+env.Subtopic)
		t.Run(filepath.Base(name), func(t *testing.T) {
			crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
			ds := crm.Receive(data, "https://vendor.example")
			assert.Empty(t, delivered(ds, core.OnDiagnostic))
			assert.Equal(t, []string{string(env.Message)}, delivered(ds, env.Subtopic))
			assert.Len(t, ds, 1)
		})
	}
	assert.ElementsMatch(t, []string{"Agent/StateSync", "App/StateSync", "InboundCall/StateSync", "Agent/CcpAgentState",
		"Agent/SetAgentState", "InboundCall/InboundCallStateChange", "Agent/LoginSuccess", "Agent/LogoutSuccess",
		"Agent/SetAgentState", "InboundCall/InboundCallStateChange"}, names)
}

// FuzzFreeFields: any valid call event (a vendor sample or an event a ctibridge softphone posts, with any
// connection state and type) with any JSON value in ActionsAllowed, ExtendedCallVariables and fromAddress
// reaches the callback unchanged; a value that is not JSON is refused with a diagnostic and reaches no
// callback. Values are bounded by the envelope's depth limit (MaxDepth): fromAddress sits one level deeper.
func FuzzFreeFields(f *testing.F) {
	for i, v := range freeFieldValues {
		f.Add(uint8(i), v, freeFieldValues[(i+1)%len(freeFieldValues)], freeFieldValues[(i+2)%len(freeFieldValues)])
	}
	f.Add(uint8(0), `{"a":`, `1`, `[`)
	f.Add(uint8(3), `[[[]]]`, `{"x":{"y":{}}}`, `[[]]`)
	f.Fuzz(func(t *testing.T, pick uint8, actions, extended, from string) {
		states := []string{"init", "connecting", "connected", "hold", "disconnected", "silent_monitor", "barge"}
		types := []string{"agent", "inbound", "outbound", "monitoring"}
		var text string
		if json.Valid([]byte(actions)) && json.Valid([]byte(extended)) && json.Valid([]byte(from)) {
			text = string(vendorCall(t, func(call map[string]any) {
				call["ActionsAllowed"] = json.RawMessage(actions)
				call["ExtendedCallVariables"] = json.RawMessage(extended)
				call["ResponseFields"].(map[string]any)["fromAddress"] = json.RawMessage(from)
				a := call["ResponseActual"].(map[string]any)
				a["status"], a["type"] = states[int(pick)%len(states)], types[int(pick/8)%len(types)]
				call["event"] = a["status"]
			}))
		} else { // json.Marshal refuses a RawMessage that is not JSON: put the text in as it is
			text = strings.Replace(string(mustSample(t)), `"ActionsAllowed": null`, `"ActionsAllowed": `+actions, 1)
			text = strings.Replace(text, `"ExtendedCallVariables": null`, `"ExtendedCallVariables": `+extended, 1)
			text = strings.Replace(text, `"fromAddress": null`, `"fromAddress": `+from, 1)
		}
		crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
		ds := crm.Receive([]byte(text), "o")
		_, err := core.DecodeEnvelope([]byte(text))
		if err != nil {
			require.Len(t, ds, 1)
			require.Equal(t, core.OnDiagnostic, ds[0].Name)
			if json.Valid([]byte(text)) && utf8.ValidString(text) && depth(text) <= core.MaxDepth && len(text) <= core.MaxEnvelopeBytes {
				t.Fatalf("a valid event of depth %d was refused: %v\n%s", depth(text), err, text)
			}
			return
		}
		got := delivered(ds, core.OnCallStateChange)
		require.Len(t, got, 1, "deliveries: %v", ds)
		assert.Equal(t, sampleMessage(t, []byte(text)), got[0])
	})
}

func mustSample(t testing.TB) []byte {
	data, err := os.ReadFile(incomingCall)
	require.NoError(t, err)
	return data
}

// depth is the deepest nesting of objects and arrays in valid JSON text.
func depth(text string) int {
	d, deepest := 0, 0
	dec := json.NewDecoder(strings.NewReader(text))
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			d++
			deepest = max(deepest, d)
		case json.Delim('}'), json.Delim(']'):
			d--
		}
	}
}

// TestVendorEventWords: a vendor softphone names an ended agent leg ACW, missed or Rejected and an ended party
// leg Dropped (vendor-api.md), and writes CallType in any case. The CRM takes the state from
// ResponseActual.status: the event is delivered as sent, the call bar follows, and an Answer pending when the
// agent's leg ends ends with CALL_ENDED.
func TestVendorEventWords(t *testing.T) {
	const agentLeg, contact = "4bbfa29b-d5a8-4876-9276-09872a748397", "d675473e-7dbc-4a9b-ad92-b78f26e70b3b"
	ended := func(event, callType, connType, id string, previous string) []byte {
		return vendorCall(t, func(call map[string]any) {
			items := call["ButtonStates"].(map[string]any)["items"].(map[string]any)
			flags := call["ResponseActual"].(map[string]any)["buttonStates"].(map[string]any)
			for b := range items {
				items[b], flags[b] = "Hide", false
			}
			if connType == "agent" {
				items["clearContact"], flags["clearContact"] = "Enable", true
			}
			a := call["ResponseActual"].(map[string]any)
			a["connectionId"], a["type"], a["status"], a["previousStatus"] = id, connType, "disconnected", previous
			a["statusTimestamp"] = "2020-04-09T08:37:20.000Z"
			call["id"], call["event"], call["CallType"] = id, event, callType
			call["ResponseFields"].(map[string]any)["CallState"] = "disconnected"
		})
	}
	ringing, err := os.ReadFile(incomingCall)
	require.NoError(t, err)
	for _, c := range []struct {
		event, callType, connType, id, previous string
	}{
		{"ACW", "Agent", "agent", agentLeg, "connected"},
		{"missed", "agent", "agent", agentLeg, "connecting"},
		{"Rejected", "AGENT", "agent", agentLeg, "connecting"},
		{"Dropped", "inbound", "inbound", "party-1", "connected"},
	} {
		t.Run(c.event, func(t *testing.T) {
			var out coretest.Outbox
			crm := core.NewCRM("myapp", "crm-1", out.Send)
			require.Len(t, delivered(crm.Receive(ringing, "o"), core.OnCallStateChange), 1)
			answer := crm.Begin(answerControl(), nil)
			in := ended(c.event, c.callType, c.connType, c.id, c.previous)
			ds := crm.Receive(in, "o")
			assert.Equal(t, []string{sampleMessage(t, in)}, delivered(ds, core.OnCallStateChange), "deliveries: %v", ds)
			assert.Empty(t, delivered(ds, core.OnDiagnostic))
			bar := crm.CallBar()
			if c.connType == "agent" {
				assert.Equal(t, core.Enable, bar.States[core.ClearContact], "the agent's leg ended: %v", bar)
				assert.Equal(t, core.Hide, bar.States[core.Answer])
			} else {
				assert.Equal(t, core.Enable, bar.States[core.Answer], "a party leaving does not end the ringing agent leg")
			}
			select {
			case <-answer.Done():
				require.Equal(t, "agent", c.connType, "the answer ended: %v", answer.Result().Err)
				require.NotNil(t, answer.Result().Err)
				assert.Equal(t, core.CauseCallEnded, answer.Result().Err.Cause)
			default:
				assert.NotEqual(t, "agent", c.connType, "the agent's leg ended, and the answer is still pending")
			}
		})
	}
}

// TestVendorReplyEndsTheOldestRequest: a vendor softphone's error reply names no request: it ends the oldest
// pending request of its subtopic, by sequence: …-9 before …-10, which sorts first as text.
func TestVendorReplyEndsTheOldestRequest(t *testing.T) {
	data, err := os.ReadFile("testdata/answer-response.json") // a connected call: the numberpad is Enable
	require.NoError(t, err)
	crm := core.NewCRM("myapp", "crm-1", coretest.Discard)
	crm.Receive(data, "o")
	consult, _ := core.ControlByMethod("consult")
	var reqs []*core.Request
	for range 10 {
		reqs = append(reqs, crm.Begin(consult, &core.RequestArgs{PhoneNumber: "+15555550100"}))
	}
	for _, r := range reqs[:8] { // leave …-9 and …-10 pending
		crm.Abandon(r, core.CauseTimeout, "gave up")
	}
	require.Equal(t, "crm-1-9", reqs[8].ID)
	require.Equal(t, "crm-1-10", reqs[9].ID)
	crm.Receive([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Consult","message":{"source":"event",`+
		`"error":{"type":"CONSULT_FAILED","code":"InvalidStateException","message":"Consulting failed."}}}`), "o")
	select {
	case <-reqs[8].Done():
		assert.Equal(t, "InvalidStateException", reqs[8].Result().Err.Code)
	default:
		t.Fatal("the oldest request, " + reqs[8].ID + ", is still pending")
	}
	select {
	case <-reqs[9].Done():
		t.Fatal(reqs[9].ID + " ended instead: " + strconv.Quote(reqs[9].Result().Err.Code))
	default:
	}
}

// TestRequestBeforeAnyStateIsSent: a CRM that has heard nothing from the softphone yet (a CRM page loaded while
// a call rings, next to a vendor softphone that does not answer the handshake) sends the request and lets the
// softphone decide; once it holds the softphone's state, it refuses locally.
func TestRequestBeforeAnyStateIsSent(t *testing.T) {
	t.Run("a vendor softphone answers the ringing call", func(t *testing.T) {
		var out coretest.Outbox
		crm := core.NewCRM("myapp", "crm-1", out.Send)
		out.Take() // the Hello, which a vendor softphone ignores
		answer := crm.Begin(answerControl(), nil)
		sent := out.Envelopes()
		require.Len(t, sent, 1, "the request was sent")
		assert.Equal(t, core.Envelope{Channel: "Amazon", Topic: "InboundCall", Subtopic: "Answer", Source: "myapp",
			RequestID: answer.ID, Version: core.ProtocolVersion}, sent[0])
		connected, err := os.ReadFile("testdata/answer-response.json") // the agent's leg connected, no request id
		require.NoError(t, err)
		crm.Receive(connected, "https://vendor.example")
		res := wait(t, answer)
		require.Nil(t, res.Err)
		assert.Equal(t, sampleMessage(t, connected), string(res.Message))
	})
	t.Run("a softphone that has not started says so", func(t *testing.T) {
		p := newPair(t) // the softphone has observed no snapshot: it answers the Hello with nothing
		req := p.crm.Begin(answerControl(), nil)
		select {
		case <-req.Done():
			t.Fatalf("refused locally: %v", req.Result().Err)
		default:
		}
		p.pump()
		res := wait(t, req)
		require.NotNil(t, res.Err)
		assert.Equal(t, core.CauseNotReady, res.Err.Cause)
		assert.Equal(t, "The softphone has not connected to Amazon Connect yet.", res.Err.Code)
	})
	t.Run("a CRM that holds the state refuses locally", func(t *testing.T) {
		var out coretest.Outbox
		crm := core.NewCRM("myapp", "crm-1", out.Send)
		out.Take()
		crm.Receive([]byte(`{"channel":"Amazon","topic":"Agent","subtopic":"AgentStateChange","message":{"source":"event",`+
			`"agent":{"label":"Available","code":"Available","type":"Routable"}}}`), "o")
		res := wait(t, crm.Begin(answerControl(), nil))
		require.NotNil(t, res.Err)
		assert.Equal(t, core.CauseNotAllowed, res.Err.Cause)
		assert.Equal(t, "No call: there is no contact.", res.Err.Code)
		assert.Empty(t, out.Take(), "nothing was sent")
	})
}

// TestAdapterFailureEndsRequestAsInternal: when the Streams adapter ends an action with an *Error of its own (it
// panicked while handling Streams' answer), the request fails with that cause, not as Amazon Connect's refusal.
func TestAdapterFailureEndsRequestAsInternal(t *testing.T) {
	p := newPair(t)
	p.streams.Result = func(core.Action) error {
		return &core.Error{Type: "INTERNAL_ERROR", Code: "ctibridge failed internally: boom", Cause: core.CauseInternal}
	}
	p.observe(ringing())
	req := p.crm.Begin(answerControl(), nil)
	p.pump()
	res := wait(t, req)
	require.NotNil(t, res.Err)
	assert.Equal(t, core.CauseInternal, res.Err.Cause)
	assert.Equal(t, "ANSWER_CALL_FAILED", res.Err.Type)
	assert.Equal(t, "ctibridge failed internally: boom", res.Err.Code)
}

package core_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

// TestVendorRequestSamplesDecode: every request sample of the vendor's pages is found in the request table, its
// data reads back through the accessor of its shape, and it encodes again unchanged.
func TestVendorRequestSamplesDecode(t *testing.T) {
	for _, c := range []struct {
		file, topic, subtopic string
		shape                 core.DataShape
		data                  any // what the accessor returns
	}{
		{"app-state-sync.request.json", "App", "StateSync", core.DataNone, nil},
		{"agent-state-sync.request.json", "Agent", "StateSync", core.DataNone, nil},
		{"login.request.json", "Agent", "Login", core.DataNone, nil},
		{"logout.request.json", "Agent", "Logout", core.DataNone, nil},
		{"get-agent-state.request.json", "Agent", "GetAgentState", core.DataNone, nil},
		{"mute.request.json", "Agent", "Mute", core.DataNone, nil},
		{"set-not-ready.request.json", "Agent", "SetNotReady", core.DataReasonCode, "Not Ready"},
		// The UpdateState sample has no source: accepted.
		{"update-state.request.json", "Agent", "UpdateState", core.DataAgentState, core.AgentStateMessage{Label: "Available", Code: "Available", Type: "routable"}},
		{"call-state-sync.request.json", "InboundCall", "StateSync", core.DataNone, nil},
		{"clear-contact.request.json", "InboundCall", "ClearContact", core.DataNone, nil},
		{"hold.request.json", "InboundCall", "Hold", core.DataConnection, "1233dc5f-6d09-4752-85a0-cfca6fc445e7"},
		{"resume.request.json", "InboundCall", "Resume", core.DataConnection, "1233dc5f-6d09-4752-85a0-cfca6fc445e7"},
		{"disconnect.request.json", "InboundCall", "Disconnect", core.DataConnection, "1233dc5f-6d09-4752-85a0-cfca6fc445e7"},
		{"make-call.request.json", "InboundCall", "SetMakeCall", core.DataTarget, core.Target{PhoneNumber: "+16013261548"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			text := sample(t, c.file)
			env, req, err := core.DecodeRequest(text)
			require.NoError(t, err)
			assert.Equal(t, c.topic, env.Topic)
			assert.Equal(t, c.subtopic, req.Subtopic)
			assert.Equal(t, c.shape, req.Data)
			assert.True(t, req.Published)
			got, err := readData(&env, req.Data)
			require.NoError(t, err)
			assert.Equal(t, c.data, got)
			assert.JSONEq(t, string(text), string(core.Encode(&env)), "decode then encode is lossless, data included")
		})
	}
}

// readData reads env's data through the accessor of shape.
func readData(env *core.Envelope, shape core.DataShape) (any, error) {
	switch shape {
	case core.DataConnection:
		return env.DataConnection()
	case core.DataDigits:
		return env.DataDigits()
	case core.DataTarget:
		return env.DataTarget()
	case core.DataReasonCode:
		return env.DataReasonCode()
	case core.DataAgentState:
		return env.DataAgentState()
	}
	return nil, nil
}

// TestSendDTMFSampleWithoutData: the vendor's SendDTMF sample forgets its digits. It is a request all the same;
// its accessor reports the missing data, which the softphone answers with SEND_DTMF_FAILED.
func TestSendDTMFSampleWithoutData(t *testing.T) {
	env, req, err := core.DecodeRequest(sample(t, "send-dtmf.request.json"))
	require.NoError(t, err)
	require.Equal(t, "SendDTMF", req.Subtopic)
	_, err = env.DataDigits()
	var de *core.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, core.DataMissing, de.Problem)
	assert.Equal(t, "SendDTMF", de.Subtopic)
	fail := req.Fail(err)
	assert.Equal(t, "SEND_DTMF_FAILED", fail.Type)
	assert.Equal(t, "Failed to send DTMF.", fail.Message)
	assert.Equal(t, core.CauseInvalidArgument, fail.Cause)
	assert.Equal(t, "The data must be the digits to send.", fail.Code)
}

// TestRequestData: each accessor takes its shape and refuses the rest with a typed error that says what was wrong.
func TestRequestData(t *testing.T) {
	env := func(subtopic, data string) *core.Envelope {
		return &core.Envelope{Channel: "Amazon", Topic: "InboundCall", Subtopic: subtopic, Data: core.RawJSON(data)}
	}
	problem := func(err error) core.DataProblem {
		var de *core.DataError
		if errors.As(err, &de) {
			return de.Problem
		}
		return 0
	}
	t.Run("strings", func(t *testing.T) {
		for data, want := range map[string]core.DataProblem{``: core.DataMissing, `null`: core.DataMissing, ` null `: core.DataMissing,
			`5`: core.DataWrongType, `{"connectionId":"c"}`: core.DataWrongType, `["c"]`: core.DataWrongType, `true`: core.DataWrongType,
			`""`: core.DataInvalid, `"c1"`: 0, `"\u0063"`: 0} {
			_, err := env("Hold", data).DataConnection()
			assert.Equal(t, want, problem(err), "%s: %v", data, err)
		}
		id, err := env("Hold", `"\u0063"`).DataConnection()
		require.NoError(t, err)
		assert.Equal(t, "c", id, "escapes are read")
	})
	t.Run("digits", func(t *testing.T) {
		for data, want := range map[string]core.DataProblem{`"12*#,"`: 0, `"12a"`: core.DataInvalid, `12`: core.DataWrongType, `""`: core.DataInvalid} {
			_, err := env("SendDTMF", data).DataDigits()
			assert.Equal(t, want, problem(err), data)
		}
	})
	t.Run("targets", func(t *testing.T) {
		for data, want := range map[string]core.Target{
			`"+15555550100"`: {PhoneNumber: "+15555550100"},
			`{"endpointARN":"arn:q","endpointId":"arn:q","type":"queue","name":"Sales"}`: {Endpoint: &core.Endpoint{ARN: "arn:q", ID: "arn:q", Type: "queue", Name: "Sales"}},
			// A quick connect named by its name alone (consult's quickConnect from ctibridge's CRM).
			`{"Name":"Billing"}`: {Endpoint: &core.Endpoint{Name: "Billing"}},
			// Blindtransfer's spelling.
			`{"Type":"external","Name":"Support","phonenumber":"+15555550101","EndpointARN":"arn:e","endpointId":"arn:e","Queue":"Q"}`: {
				Endpoint: &core.Endpoint{ARN: "arn:e", ID: "arn:e", Type: "external", Name: "Support", PhoneNumber: "+15555550101", Queue: "Q"}},
		} {
			got, err := env("SetMakeCall", data).DataTarget()
			require.NoError(t, err, data)
			assert.Equal(t, want, got, data)
		}
		for data, want := range map[string]core.DataProblem{``: core.DataMissing, `"5555550100"`: core.DataInvalid, `"+1 555"`: core.DataInvalid,
			`{"type":"queue"}`: core.DataInvalid, `{"endpointARN":5}`: core.DataWrongType, `15555550100`: core.DataWrongType, `[]`: core.DataWrongType} {
			_, err := env("SetMakeCall", data).DataTarget()
			assert.Equal(t, want, problem(err), data)
		}
	})
	t.Run("agent states", func(t *testing.T) {
		r, err := env("SetNotReady", `{"ReasonCodeId":"Lunch"}`).DataReasonCode()
		require.NoError(t, err)
		assert.Equal(t, "Lunch", r)
		for data, want := range map[string]core.DataProblem{``: core.DataMissing, `"Lunch"`: core.DataWrongType, `{}`: core.DataInvalid,
			`{"reasonCodeId":"Lunch"}`: core.DataInvalid, `{"ReasonCodeId":1}`: core.DataWrongType} {
			_, err := env("SetNotReady", data).DataReasonCode()
			assert.Equal(t, want, problem(err), data)
		}
		for data, want := range map[string]core.DataProblem{`{"label":"Available"}`: 0, `{"code":"Lunch","type":"not_routable"}`: 0,
			`{"type":"routable"}`: core.DataInvalid, `"Available"`: core.DataWrongType, `null`: core.DataMissing} {
			_, err := env("UpdateState", data).DataAgentState()
			assert.Equal(t, want, problem(err), data)
		}
	})
	t.Run("the error never holds the data", func(t *testing.T) {
		_, err := env("SetMakeCall", `"4155550199"`).DataTarget()
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "4155550199")
	})
}

// TestRequestTable checks the table against spec/vendor-api.md: spellings, error types and messages, replies.
func TestRequestTable(t *testing.T) {
	for _, c := range []struct{ topic, subtopic, sends, errType, errMessage, reply string }{
		{"App", "StateSync", "StateSync", "", "", "StateSync"},
		{"Agent", "GetStates", "GetAgentState", "", "", "SetAgentState"},
		{"Agent", "Update", "UpdateState", "UPDATE_AGENT_STATE_FAILED", "Agent state change failed.", "SetAgentState"},
		{"Agent", "SetNotReady", "SetNotReady", "UPDATE_AGENT_STATE_FAILED", "Agent state change failed.", "SetAgentState"},
		{"Agent", "Login", "Login", "LOGIN_FAILED", "Agent login failed.", "LoginSuccess"},
		{"Agent", "Logout", "Logout", "LOGOUT_FAILED", "Agent logout failed.", "LogoutSuccess"},
		{"Agent", "Mute", "Mute", "MUTE_FAILED", "Mute failed.", "SetAgentState"},
		{"InboundCall", "Answer", "Answer", "ANSWER_CALL_FAILED", "Answering call failed.", "InboundCallStateChange"},
		{"InboundCall", "Hold", "Hold", "HOLD_CALL_FAILED", "Call hold failed.", "InboundCallStateChange"},
		{"InboundCall", "Resume", "Resume", "RESUME_CALL_FAILED", "Resuming call failed.", "InboundCallStateChange"},
		{"InboundCall", "Disconnect", "Disconnect", "DISCONNECT_CALL_FAILED", "Disconnecting call failed.", "InboundCallStateChange"},
		{"InboundCall", "SetMakeCall", "SetMakeCall", "MAKE_CALL_FAILED", "Make call failed.", "InboundCallStateChange"},
		{"InboundCall", "SendDTMF", "SendDTMF", "SEND_DTMF_FAILED", "Failed to send DTMF.", "InboundCallStateChange"},
		{"InboundCall", "Blindtransfer", "Blindtransfer", "BLIND_TRANSFER_FAILED", "Blind transfer failed.", "InboundCallStateChange"},
		{"InboundCall", "ClearContact", "ClearContact", "CLEAR_CONTACT_FAILED", "Clearing contact failed.", "InboundCallStateChange"},
		{"InboundCall", "StateSync", "StateSync", "", "", "StateSync"},
		{"OutboundCall", "SetHold", "SetHold", "OUTBOUND_CAMPAIGN_UNSUPPORTED", core.ErrKindOutboundUnsupported.Message, ""},
		{"OutboundCall", "MakeCall", "MakeCall", "OUTBOUND_CAMPAIGN_UNSUPPORTED", core.ErrKindOutboundUnsupported.Message, ""},
	} {
		r, ok := core.LookupRequest(c.topic, c.subtopic)
		require.True(t, ok, "%s/%s", c.topic, c.subtopic)
		assert.Equal(t, c.sends, r.Subtopic, c.subtopic)
		assert.Equal(t, core.ErrorKind{Type: c.errType, Message: c.errMessage}, r.Err, c.subtopic)
		assert.Equal(t, c.reply, r.Reply, c.subtopic)
	}
	assert.Equal(t, "AGENT_STATE_NOT_FOUND", core.ErrKindAgentStateNotFound.Type)
	assert.Equal(t, "Specified Agent State not found.", core.ErrKindAgentStateNotFound.Message)

	for _, c := range [][2]string{{"Agent", "SetAgentState"}, {"InboundCall", "SendDigits"}, {"App", "Login"}, {"Agent", "answer"},
		{"OutboundCall", ""}, {"Bridge", "Hello"}, {"InboundCall", "InboundCallStateChange"}} {
		_, ok := core.LookupRequest(c[0], c[1])
		assert.False(t, ok, "%s/%s is no request of the vendor's pages", c[0], c[1])
	}

	seen := map[string]bool{}
	for _, r := range core.Requests() {
		for _, name := range []string{r.Subtopic, r.Alias} {
			if name != "" {
				assert.False(t, seen[r.Topic+"/"+name], "%s/%s is listed twice", r.Topic, name)
				seen[r.Topic+"/"+name] = true
			}
		}
		assert.NotEmpty(t, r.Reply, r.Subtopic)
		if r.Topic != core.TopicInboundCall || r.Subtopic == "StateSync" {
			assert.Equal(t, core.ButtonCount, r.CallButton, "%s: only call controls have a call button", r.Subtopic)
		}
	}
}

// TestControlsAreTheVendorsRequests: every call control sends the request of the vendor's table that its button
// gates, with that request's subtopic, error type and message; SendDigits, the older spelling, finds SendDTMF.
func TestControlsAreTheVendorsRequests(t *testing.T) {
	for _, c := range core.Controls() {
		var r core.VendorRequest
		for _, v := range core.Requests() {
			if v.Topic == core.TopicInboundCall && v.CallButton == c.Button {
				r = v
			}
		}
		require.NotEmpty(t, r.Subtopic, "no request of the table has the %s button", c.Button)
		assert.Equal(t, r.Subtopic, c.Subtopic)
		assert.Equal(t, core.ErrorKind{Type: c.ErrorType, Message: c.ErrorMessage}, r.Err, c.Subtopic)
	}
	older, ok := core.ControlBySubtopic("SendDigits")
	require.True(t, ok)
	assert.Equal(t, "SendDTMF", older.Subtopic)
}

// TestDecodeRequestRefuses: DecodeRequest refuses what is not a request of the table, with DecodeEnvelope's reasons.
func TestDecodeRequestRefuses(t *testing.T) {
	for text, reason := range map[string]core.Reason{
		`{"channel":"Amazon","topic":"Agent","subtopic":"Explode"}`:                            core.ReasonUnknownTopic,
		`{"channel":"amazon","topic":"Agent","subtopic":"Login"}`:                              core.ReasonUnknownTopic,
		`{"channel":"Amazon","topic":"Agent","subtopic":"Login","message":{"source":"event"}}`: core.ReasonUnexpected,
		`{"channel":"Amazon","topic":"Agent","subtopic":"Login","v":99}`:                       core.ReasonVersion,
		`{"channel":"Amazon","topic":"InboundCall","subtopic":"Hold","data":{"a":}}`:           core.ReasonBadShape,
		`[]`: core.ReasonNotJSON,
	} {
		_, _, err := core.DecodeRequest([]byte(text))
		var de *core.DecodeError
		require.ErrorAs(t, err, &de, text)
		assert.Equal(t, reason, de.Reason, text)
	}
	env, req, err := core.DecodeRequest([]byte(`{"channel":"Amazon","topic":"OutboundCall","subtopic":"Skip","source":"myapp"}`))
	require.NoError(t, err)
	assert.Equal(t, "OUTBOUND_CAMPAIGN_UNSUPPORTED", req.Fail(errors.New("refused")).Type)
	assert.Equal(t, "Skip", env.Subtopic)
}

// TestEnvelopeKeepsArgsAndData: until the roles are rewired, a request may carry ctibridge's args and the
// vendor's data; DecodeEnvelope keeps both.
func TestEnvelopeKeepsArgsAndData(t *testing.T) {
	text := `{"channel":"Amazon","topic":"InboundCall","subtopic":"Hold","source":"crm","data":"c2","args":{"connectionId":"c1"}}`
	env, err := core.DecodeEnvelope([]byte(text))
	require.NoError(t, err)
	require.NotNil(t, env.Args)
	assert.Equal(t, "c1", env.Args.ConnectionID)
	id, err := env.DataConnection()
	require.NoError(t, err)
	assert.Equal(t, "c2", id)
	assert.JSONEq(t, text, string(core.Encode(&env)))
}

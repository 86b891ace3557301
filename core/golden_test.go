package core_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/jwriter"
)

// sampleContact is the state the vendor's Sample Response describes: an inbound voice call from +161081111 to
// +16013261548 through queue InboundTest, whose agent leg has just moved from connecting to connected while
// the customer's leg is connected.
func sampleContact(t testing.TB) core.Contact {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, "2020-04-09T09:14:58.955Z")
	require.NoError(t, err)
	return core.Contact{
		ID:             "836c56f3-07c2-418f-99e7-2565b75b575c",
		Type:           "voice",
		State:          core.ContactConnected,
		QueueName:      "InboundTest",
		QueueTimestamp: at.UnixMilli(),
		ANI:            "+161081111",
		DNIS:           "+16013261548",
		Connections: []core.Connection{
			{ID: "1233dc5f-6d09-4752-85a0-cfca6fc445e7", Type: core.ConnAgent, State: core.ConnConnected, Since: at.UnixMilli()},
			{ID: "5f2c1d7e-0b3a-4c8e-9d6f-1a2b3c4d5e6f", Type: core.ConnInbound, State: core.ConnConnected, Since: at.UnixMilli() - 4000, PhoneNumber: "+161081111"},
		},
	}
}

func marshal(t testing.TB, v interface{ MarshalEasyJSON(*jwriter.Writer) }) []byte {
	t.Helper()
	var w jwriter.Writer
	v.MarshalEasyJSON(&w)
	b, err := w.BuildBytes()
	require.NoError(t, err)
	return b
}

// TestSampleResponseGolden reproduces the Sample Response of spec/answer-call.txt field for field (names,
// nesting, types, values) and byte for byte in its minified form, from the state it describes.
func TestSampleResponseGolden(t *testing.T) {
	want, err := os.ReadFile("testdata/answer-response.json")
	require.NoError(t, err)

	contact := sampleContact(t)
	env := core.Envelope{
		Channel:  core.ChannelAmazon,
		Topic:    core.TopicInboundCall,
		Subtopic: core.SubtopicInboundCallStateChange,
		Message:  &core.Message{Call: ptr(core.NewCallEvent(&contact, 0, core.ConnConnecting)), Source: core.SourceEvent},
	}
	got := marshal(t, &env)

	assert.JSONEq(t, string(want), string(got), "field for field")
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, want))
	assert.Equal(t, compact.String(), string(got), "byte for byte, minified")
}

// TestSampleRequestRoundTrip decodes the Sample Request and writes it back unchanged.
func TestSampleRequestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/answer-request.json")
	require.NoError(t, err)
	env, err := core.DecodeEnvelope(data)
	require.NoError(t, err)
	assert.Equal(t, core.Envelope{Channel: "Amazon", Topic: "InboundCall", Subtopic: "Answer", Source: "myapp"}, env)
	assert.JSONEq(t, string(data), string(marshal(t, &env)))
}

// TestSampleResponseDecodes reads the Sample Response back: a CRM decodes what a vendor softphone sends.
func TestSampleResponseDecodes(t *testing.T) {
	data, err := os.ReadFile("testdata/answer-response.json")
	require.NoError(t, err)
	env, err := core.DecodeEnvelope(data)
	require.NoError(t, err)
	require.NotNil(t, env.Message)
	require.NotNil(t, env.Message.Call)
	call := env.Message.Call
	assert.Equal(t, core.Enable, call.ButtonStates[core.Consult])
	assert.Equal(t, core.Hide, call.ButtonStates[core.Answer])
	assert.Equal(t, core.ButtonStates(call.ResponseActual.ButtonFlags), core.ButtonStates{core.Consult: core.Enable, core.Numberpad: core.Enable})
	assert.Equal(t, core.Connection{ID: "1233dc5f-6d09-4752-85a0-cfca6fc445e7", Type: core.ConnAgent, State: core.ConnConnected,
		Since: time.Date(2020, 4, 9, 9, 14, 58, 955e6, time.UTC).UnixMilli()}, call.Connection())
	assert.JSONEq(t, string(data), string(marshal(t, &env)), "decode then encode is lossless")
}

func ptr[T any](v T) *T { return &v }

// TestMessageTextIsAsSent: a CRM hands its callbacks the message as the softphone sent it, found by the same
// walk that checks the nesting: the top-level "message", whatever white space, escapes or nested "message" keys
// surround it. Two top-level "message" keys are refused: which one the page would get is ambiguous.
func TestMessageTextIsAsSent(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","message":{"source":"event"}}`, `{"source":"event"}`},
		{"{ \"message\" :\n {\"source\": \"x\\\"}\" }\n, \"channel\":\"Amazon\",\"topic\":\"InboundCall\",\"subtopic\":\"Answer\"}", `{"source": "x\"}" }`},
		{`{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","message":{"error":{"type":"T","code":"c","message":"m"}}}`, `{"error":{"type":"T","code":"c","message":"m"}}`},
		{`{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","source":"\\","message":{"source":"s"}}`, `{"source":"s"}`},
	} {
		env, err := core.DecodeEnvelope([]byte(c.in))
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, string(core.MessageText(&env)), c.in)
	}
	_, err := core.DecodeEnvelope([]byte(`{"message":{"source":"a"},"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","message":{"source":"b"}}`))
	var de *core.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, core.ReasonBadShape, de.Reason)
	assert.Equal(t, `"message" appears twice`, de.Detail)
}

// TestFormatTimestampIsToISOString: the hand-written formatter writes what time.Format (and JavaScript's
// toISOString) writes, across leap years, month ends and the bounds of four-digit years.
func TestFormatTimestampIsToISOString(t *testing.T) {
	const layout = "2006-01-02T15:04:05.000Z"
	cases := []int64{0, 1, 999, 86399999, 86400000, 951782400000, 951868799999, 1586423694955, 4107542399999, 253402300799999,
		253402300800000, -1, -62135596800000}
	for ms := int64(0); ms < 253402300800000; ms += 7919 * 86400013 { // a prime stride: every month, day and hour
		cases = append(cases, ms)
	}
	for _, ms := range cases {
		require.Equal(t, time.UnixMilli(ms).UTC().Format(layout), core.FormatTimestamp(ms), "ms %d", ms)
	}
}

// TestParseTimestampReadsToISOString: snapshot timestamps read by hand and by time.Parse agree; a date that
// does not exist is unreadable (0), as time.Parse has it.
func TestParseTimestampReadsToISOString(t *testing.T) {
	for ms := int64(0); ms < 253402300800000; ms += 7919 * 86400013 {
		s := core.FormatTimestamp(ms)
		require.Equal(t, ms, core.ParseTimestamp(&s), s)
	}
	for _, s := range []string{"2021-02-29T00:00:00.000Z", "2020-13-01T00:00:00.000Z", "2020-04-09T24:00:00.000Z", "2020-04-09T09:14:54.95xZ"} {
		assert.Zero(t, core.ParseTimestamp(&s), s)
	}
	// Other RFC 3339 shapes: what time.Parse reads, to the millisecond, or 0 where it refuses.
	for _, s := range []string{
		"2020-04-09T09:14:54.955+02:00", "2020-04-09T09:14:54Z", "2020-04-09T09:14:54.9Z", "2020-04-09T09:14:54.123456Z",
		"2020-04-09T09:14:54.123456789-05:30", "2020-04-09T00:14:54+00:00", "2020-03-01T00:30:00+01:00",
		"1969-12-31T23:59:59.999Z", "2020-04-09T09:14:54.1234567891Z", "2020-04-09T09:14:54.Z", "2020-04-09T09:14:54",
		"2020-04-09T09:14:54.955Z ", "2020-04-09T09:14:54+0200", "2020-04-09T09:14:54+2:00",
		"2020-04-09 09:14:54Z", "2020-04-09T09:14:60Z", "2021-02-29T09:14:54+01:00", "2020-04-09T09:14:54+01:00Z",
	} {
		want := int64(0)
		if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
			want = tm.UnixMilli()
		}
		assert.Equal(t, want, core.ParseTimestamp(&s), s)
	}
	s := "2020-04-09T09:14:54+02:60" // time.Parse lets minutes past 59 through; RFC 3339 does not
	assert.Zero(t, core.ParseTimestamp(&s))
}

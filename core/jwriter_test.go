package core_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	easyjson "github.com/mailru/easyjson/jwriter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/jwriter"
)

// TestMessagesSameAsEasyjsonWriter checks that every kind of message core encodes comes out of core/jwriter,
// easyjson's writer without net, byte for byte as easyjson's own writer writes it: each vendor sample and
// Answer Call sample as decoded, the call event of every row of the ButtonStates table, the agent ButtonStates
// of every row of the agent table, and call events carrying strings that need escaping. The codecs are compiled
// against core/jwriter only, so easyjson's writer replays the same values, token by token, from the copy's
// output: a string the copy escapes differently reads back the same and is written differently. (Invalid UTF-8
// does not read back the same; core/jwriter's own tests compare it, writer against writer. The samples' raw
// JSON, a request's data, holds no escapes that read back differently.)
func TestMessagesSameAsEasyjsonWriter(t *testing.T) {
	messages := map[string]interface{ MarshalEasyJSON(*jwriter.Writer) }{}

	// The vendor's samples: requests as a softphone decodes them, replies' messages as a CRM does, and the
	// envelopes DecodeEnvelope reads whole.
	samples, err := filepath.Glob("testdata/vendor-samples/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, samples)
	replies := map[string]codec{
		"login.response.json":                       &core.AgentSyncMessage{},
		"agent-state-sync.logged-out.response.json": &core.AgentSyncMessage{},
		"logout.response.json":                      &core.LogoutMessage{},
		"get-agent-state.response.json":             &core.SetAgentStateMessage{},
		"mute.response.json":                        &core.SetAgentStateMessage{},
		"app-state-sync.response.json":              &core.AppStateSyncMessage{},
		"ccp-agent-state.event.json":                &core.CcpAgentStateMessage{},
		"call-state-sync.response.json":             &core.CallStateSyncMessage{},
	}
	for _, path := range append(samples, "testdata/answer-request.json", "testdata/answer-response.json") {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		if msg, ok := replies[name]; ok {
			var whole struct {
				Message json.RawMessage `json:"message"`
			}
			require.NoError(t, json.Unmarshal(data, &whole))
			fromStreams(t, msg, string(whole.Message))
			messages[name] = msg
			continue
		}
		env, _, err := core.DecodeRequest(data)
		if err != nil {
			env, err = core.DecodeEnvelope(data)
		}
		require.NoError(t, err, name)
		messages[name] = &env
	}

	for _, v := range loadVectors(t) {
		conns, subject := v.contact(t)
		contact := sampleContact(t)
		contact.Connections = conns
		messages["ButtonStates row "+v.Row] = callEnvelope(&contact, subject)
	}
	for _, v := range loadAgentVectors(t) {
		messages["agent ButtonStates row "+v.Row] = core.DecideAgent(v.Login, core.AgentStateType(v.State), v.Muted, v.call(t)).States
	}

	for name, s := range map[string]string{
		"control chars":   "\x00\x01\t\n\r\x1f\x7f",
		"quote backslash": `"\`,
		"html":            `<b>&amp;</b>`,
		"line separators": "\u2028\u2029",
		"non-ASCII":       "Zoë 東京 🎧 \ufffd",
	} {
		contact := sampleContact(t)
		contact.ANI, contact.QueueName, contact.Connections[1].PhoneNumber = s, s, s
		messages["call event with "+name] = callEnvelope(&contact, 0)
	}

	for name, m := range messages {
		t.Run(name, func(t *testing.T) {
			got := marshal(t, m)
			// Raw JSON (a request's data) is copied as it came, spaces included, by both writers.
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, got), "%s", got)
			assert.Equal(t, string(rewrite(t, got)), compact.String())
		})
	}
}

func callEnvelope(contact *core.Contact, subject int) *core.Envelope {
	ev := core.NewCallEvent(contact, subject, core.ConnConnecting)
	return &core.Envelope{
		Channel:  core.ChannelAmazon,
		Topic:    core.TopicInboundCall,
		Subtopic: core.SubtopicInboundCallStateChange,
		Message:  &core.Message{Call: &ev, Source: core.SourceEvent},
	}
}

// rewrite writes the JSON value data again with easyjson's writer, as easyjson's generated code does: each
// string with String, each number with Int64 (or Float64), punctuation raw.
func rewrite(t *testing.T, data []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var w easyjson.Writer
	type level struct {
		object bool
		n      int // tokens so far: in an object, keys and values alternate
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			w.RawByte(byte(d))
			stack = stack[:len(stack)-1]
			continue
		}
		if len(stack) > 0 {
			l := &stack[len(stack)-1]
			switch {
			case l.object && l.n%2 == 1:
				w.RawByte(':')
			case l.n > 0:
				w.RawByte(',')
			}
			l.n++
		}
		switch v := tok.(type) {
		case json.Delim:
			w.RawByte(byte(v))
			stack = append(stack, level{object: v == '{'})
		case string:
			w.String(v)
		case json.Number:
			if n, err := v.Int64(); err == nil {
				w.Int64(n)
			} else {
				f, err := v.Float64()
				require.NoError(t, err)
				w.Float64(f)
			}
		case bool:
			w.Bool(v)
		case nil:
			w.RawString("null")
		}
	}
	b, err := w.BuildBytes()
	require.NoError(t, err)
	return b
}

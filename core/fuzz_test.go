package core_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// FuzzDecodeEnvelope: any input either fails with a *DecodeError or decodes to an envelope that encodes and
// decodes again to the same envelope, and whose message text (what a CRM's callbacks get) is the message it
// decoded. It never panics. Seeds: the vendor samples and testdata/fuzz.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, name := range []string{"testdata/answer-request.json", "testdata/answer-response.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Answer","message":{"source":"event","error":{"type":"ANSWER_CALL_FAILED","code":"x","message":"Answering call failed."}}}`))
	// A request's data, a string or an object, kept as it came.
	f.Add([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Hold","source":"myapp","data":"1233dc5f-6d09-4752-85a0-cfca6fc445e7"}`))
	f.Add([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Consult","data": {"endpointARN" : "arn:q", "n":[1,"\u00e9",null]} }`))
	// The message text: nested "message" keys, escaped quotes, white space, a repeated key (refused).
	f.Add([]byte(`{"channel":"Amazon","message":{"source":"a\\\"message\":{}","error":{"type":"T","code":"c","message":"m"}} , "topic":"InboundCall","subtopic":"Answer","message" :  {"source":"b"}  }`))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := core.DecodeEnvelope(data)
		if err != nil {
			var de *core.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		again, err := core.DecodeEnvelope(core.Encode(&env))
		if err != nil {
			t.Fatalf("re-decoding %s: %v", core.Encode(&env), err)
		}
		if string(core.Encode(&again)) != string(core.Encode(&env)) {
			t.Fatalf("unstable round trip:\n%s\n%s", core.Encode(&env), core.Encode(&again))
		}
		if env.Message == nil {
			return
		}
		text := core.MessageText(&env)
		got, err := core.ReencodeMessage(text)
		if err != nil {
			t.Fatalf("message text %q: %v", text, err)
		}
		if want := core.EncodeMessage(env.Message); string(got) != string(want) {
			t.Fatalf("message text %q is\n%s\nbut the message decoded is\n%s", text, got, want)
		}
	})
}

// connectionsFrom turns fuzz bytes into a contact's connections: byte pairs give each leg's type and state.
func connectionsFrom(data []byte) []core.Connection {
	types := []core.ConnectionType{core.ConnAgent, core.ConnInbound, core.ConnOutbound, core.ConnMonitoring}
	states := []core.ConnectionState{core.ConnInit, core.ConnConnecting, core.ConnConnected, core.ConnHold,
		core.ConnDisconnected, core.ConnSilentMonitor, core.ConnBarge}
	var conns []core.Connection
	for i := 0; i+1 < len(data) && len(conns) < 6; i += 2 {
		conns = append(conns, core.Connection{
			ID:   string(rune('a' + len(conns))),
			Type: types[int(data[i])%len(types)], State: states[int(data[i+1])%len(states)],
		})
	}
	return conns
}

// FuzzDecide checks the ButtonStates rules' invariants on arbitrary contacts, and the property that ties them
// to the controls: a control whose button is Enable in the call bar is planned into a Streams action; one
// whose button is not is refused with its *_FAILED error and cause NOT_ALLOWED, before anything reaches Streams.
func FuzzDecide(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2})       // ringing
	f.Add([]byte{0, 2, 1, 2})       // talking
	f.Add([]byte{0, 2, 1, 3, 2, 2}) // consult
	f.Add([]byte{0, 4, 1, 2})       // after call
	f.Fuzz(func(t *testing.T, data []byte) {
		conns := connectionsFrom(data)
		contact := &core.Contact{ID: "c", Connections: conns}
		for i := range conns {
			d := core.Decide(conns, i)
			if d.States[core.Answer] == core.Enable && (!conns[i].IsAgentLeg() || conns[i].State != core.ConnConnecting) {
				t.Fatalf("answer enabled on %+v", conns[i])
			}
			if conns[i].IsAgentLeg() && d.States[core.Hold] != core.Hide {
				t.Fatalf("hold shown on the agent's leg")
			}
			for b := core.Button(0); b < core.ButtonCount; b++ {
				if d.Reasons[b] == "" {
					t.Fatalf("%s has no reason", b)
				}
			}
		}
		bar := core.Aggregate(conns)
		for _, ctrl := range core.Controls() {
			args := &core.RequestArgs{Digits: "1", PhoneNumber: "+15555550100"}
			a, err := core.Plan(ctrl, contact, args)
			if bar.States[ctrl.Button] == core.Enable {
				if err != nil {
					t.Fatalf("%s is Enable but refused: %v", ctrl.Method, err)
				}
				if a.Kind == "" || (a.ConnectionID == "" && (ctrl.Button == core.Hold || ctrl.Button == core.Disconnect)) {
					t.Fatalf("%s planned an incomplete action %+v", ctrl.Method, a)
				}
				continue
			}
			var e *core.Error
			if !errors.As(err, &e) || e.Cause != core.CauseNotAllowed || e.Type != ctrl.ErrorType {
				t.Fatalf("%s is %s but not refused as NOT_ALLOWED: %v", ctrl.Method, bar.States[ctrl.Button], err)
			}
		}
	})
}

// FuzzObserve feeds arbitrary snapshots to a softphone and whatever it posts to a CRM: neither panics, and
// every envelope the softphone posts decodes.
func FuzzObserve(f *testing.F) {
	f.Add(coretest.Snapshot("PendingBusy", core.AgentTypeSystem, coretest.Call{ID: "c", State: core.ContactConnecting,
		Legs: []coretest.Leg{{ID: "a", Type: core.ConnAgent, State: core.ConnConnecting}, {ID: "b", Type: core.ConnInbound, State: core.ConnConnected, Number: "+15555550100"}}}))
	f.Add([]byte(`{"state":{"name":"Available","type":"routable"},"contacts":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out coretest.Outbox
		phone := core.NewSoftphone("e", &coretest.Streams{}, out.Send)
		crm := core.NewCRM("s", "c", coretest.Discard)
		_ = phone.Observe(data)
		for _, b := range out.Take() {
			if _, err := core.DecodeEnvelope(b); err != nil {
				t.Fatalf("the softphone posted an undecodable envelope %s: %v", b, err)
			}
			crm.Receive(b, "o")
		}
		crm.Receive(data, "o")
	})
}

// rfc3339 is RFC 3339's date-time, with the offsets it allows (hours 00–23, minutes 00–59).
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// FuzzParseTimestamp: the hand-written reader never disagrees with time.Parse. What it reads, time.Parse reads
// to the same millisecond; and what time.Parse reads in RFC 3339's own shape, it reads too (the epoch itself
// aside, which both give as 0).
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2020-04-09T09:14:54.955Z", "2020-04-09T09:14:54.955+02:00", "0000-01-01T00:00:00Z",
		"2020-04-09T09:14:54-24:00", "2021-02-29T00:00:00Z", "1969-12-31T23:59:59.9999Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := time.Parse(time.RFC3339Nano, s)
		got := core.ParseTimestamp(&s)
		if got != 0 && (err != nil || tm.UnixMilli() != got) {
			t.Fatalf("%q: read as %d; time.Parse: %d, %v", s, got, tm.UnixMilli(), err)
		}
		if err == nil && rfc3339.MatchString(s) && tm.UnixMilli() != 0 && got != tm.UnixMilli() {
			t.Fatalf("%q: read as %d; time.Parse: %d", s, got, tm.UnixMilli())
		}
	})
}

// FuzzDecodeRequest: any input either fails with a *DecodeError or decodes to a request of the vendor's table whose
// data accessors answer with a value or a *DataError, never a panic, and which encodes and decodes again to the
// same envelope. Seeds: the vendor's request samples.
func FuzzDecodeRequest(f *testing.F) {
	files, err := filepath.Glob("testdata/vendor-samples/*.request.json")
	if err != nil || len(files) == 0 {
		f.Fatal("no request samples", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"channel":"Amazon","topic":"InboundCall","subtopic":"Blindtransfer","data":{"Type":"queue","EndpointARN":"arn:q","phonenumber":"+15555550100"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, req, err := core.DecodeRequest(data)
		if err != nil {
			var de *core.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if again, _, err := core.DecodeRequest(core.Encode(&env)); err != nil || string(core.Encode(&again)) != string(core.Encode(&env)) {
			t.Fatalf("unstable round trip of %s: %v", core.Encode(&env), err)
		}
		for _, read := range []func() error{
			func() error { _, err := env.DataConnection(); return err },
			func() error { _, err := env.DataDigits(); return err },
			func() error { _, err := env.DataTarget(); return err },
			func() error { _, err := env.DataReasonCode(); return err },
			func() error { _, err := env.DataAgentState(); return err },
		} {
			if err := read(); err != nil {
				var de *core.DataError
				if !errors.As(err, &de) || de.Subtopic != env.Subtopic {
					t.Fatalf("%s: error of type %T: %v", req.Subtopic, err, err)
				}
			}
		}
	})
}

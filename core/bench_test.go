package core_test

// Benchmarks of core's per-event work (make bench): decode, ButtonStates rules, event building and encoding, the
// softphone's Observe and the CRM's Receive, each with ns/op and allocs/op. The browser-side figures are
// web/test/bench/bench.mjs's. TestDecideAllocatesNothing holds the issue's target "ButtonStates rules: zero
// allocations per call" in every `go test`.

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/ctibridge/ctibridge/core"
	"github.com/ctibridge/ctibridge/core/coretest"
)

// benchT is when the benchmark contacts' legs changed state.
var benchT = time.Date(2020, 4, 9, 9, 14, 54, 955e6, time.UTC)

// benchContacts are the realistic shapes of a contact's connections, in Streams' order [agent, customer,
// third party]: a ringing inbound call, a connected one, a consult (customer on hold, third party talking)
// and a conference (everyone talking).
var benchContacts = []struct {
	name  string
	conns []core.Connection
}{
	{"ringing", []core.Connection{
		{ID: "agent-1", Type: core.ConnAgent, State: core.ConnConnecting},
		{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, PhoneNumber: "+161081111"},
	}},
	{"connected", []core.Connection{
		{ID: "agent-1", Type: core.ConnAgent, State: core.ConnConnected},
		{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, PhoneNumber: "+161081111"},
	}},
	{"consult", []core.Connection{
		{ID: "agent-1", Type: core.ConnAgent, State: core.ConnConnected},
		{ID: "cust-1", Type: core.ConnInbound, State: core.ConnHold, PhoneNumber: "+161081111"},
		{ID: "third-1", Type: core.ConnOutbound, State: core.ConnConnected, PhoneNumber: "+15555550199"},
	}},
	{"conference", []core.Connection{
		{ID: "agent-1", Type: core.ConnAgent, State: core.ConnConnected},
		{ID: "cust-1", Type: core.ConnInbound, State: core.ConnConnected, PhoneNumber: "+161081111"},
		{ID: "third-1", Type: core.ConnOutbound, State: core.ConnConnected, PhoneNumber: "+15555550199"},
	}},
}

// Sinks keep the compiler from dropping the benchmarked calls.
var (
	sinkDecision core.Decision
	sinkStates   core.ButtonStates
	sinkEnvelope core.Envelope
	sinkBytes    []byte
	sinkErr      error
	sinkCount    int
)

// minified reads a testdata sample and compacts it, as it travels on the wire.
func minified(tb testing.TB, name string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, raw); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

func BenchmarkDecodeEnvelope(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"request", "testdata/answer-request.json"},
		{"response", "testdata/answer-response.json"},
	} {
		data := minified(b, c.file)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				sinkEnvelope, sinkErr = core.DecodeEnvelope(data)
			}
			if sinkErr != nil {
				b.Fatal(sinkErr)
			}
		})
	}
}

// BenchmarkDecide runs the rules for every leg of each contact (one op = one Decide call).
func BenchmarkDecide(b *testing.B) {
	for _, c := range benchContacts {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				sinkDecision = core.Decide(c.conns, i%len(c.conns))
				i++
			}
		})
	}
}

func BenchmarkButtons(b *testing.B) {
	for _, c := range benchContacts {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				sinkStates = core.Buttons(c.conns, i%len(c.conns))
				i++
			}
		})
	}
}

func BenchmarkAggregate(b *testing.B) {
	for _, c := range benchContacts {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkDecision = core.Aggregate(c.conns)
			}
		})
	}
}

// benchContact is the vendor sample's contact with the given connections.
func benchContact(conns []core.Connection) *core.Contact {
	c := &core.Contact{
		ID: "836c56f3-07c2-418f-99e7-2565b75b575c", Type: "voice", State: core.ContactConnected,
		QueueName: "InboundTest", QueueTimestamp: benchT.Add(4 * time.Second).UnixMilli(),
		ANI: "+161081111", DNIS: "+16013261548",
		Connections: append([]core.Connection(nil), conns...),
	}
	for i := range c.Connections {
		c.Connections[i].Since = benchT.Add(time.Duration(i) * time.Second).UnixMilli()
	}
	return c
}

// BenchmarkCallEvent builds the InboundCallStateChange envelope of the agent's leg (the vendor sample when the
// contact is "connected") and encodes it, as Softphone.postLocked does; build and encode are also timed apart.
func BenchmarkCallEvent(b *testing.B) {
	for _, c := range benchContacts {
		contact := benchContact(c.conns)
		b.Run("build+encode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				call := core.NewCallEvent(contact, 0, core.ConnConnecting)
				env := core.Envelope{Channel: core.ChannelAmazon, Topic: core.TopicInboundCall,
					Subtopic: core.SubtopicInboundCallStateChange, Message: &core.Message{Call: &call, Source: core.SourceEvent},
					Epoch: "k3x9q2", Seq: 42, Version: core.ProtocolVersion}
				sinkBytes = core.Encode(&env)
			}
		})
	}
	contact := benchContact(benchContacts[1].conns)
	b.Run("build/connected", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			call := core.NewCallEvent(contact, 0, core.ConnConnecting)
			sinkStates = call.ButtonStates
		}
	})
	call := core.NewCallEvent(contact, 0, core.ConnConnecting)
	env := core.Envelope{Channel: core.ChannelAmazon, Topic: core.TopicInboundCall,
		Subtopic: core.SubtopicInboundCallStateChange, Message: &core.Message{Call: &call, Source: core.SourceEvent}}
	b.Run("encode/connected", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes = core.Encode(&env)
		}
		b.SetBytes(int64(len(sinkBytes)))
	})
}

// holdToggle returns the two Streams snapshots a softphone alternates between so that every Observe reports
// exactly one change: the customer's leg goes on hold and comes back, the agent stays Busy. Each snapshot is a
// connected inbound call as Streams' host sees it after JSON.stringify (coretest.Snapshot).
func holdToggle(at time.Time) (connected, held []byte) {
	snap := func(customer core.ConnectionState, since time.Time) []byte {
		return coretest.Snapshot(core.AgentBusy, core.AgentTypeSystem, coretest.Call{
			ID: "836c56f3-07c2-418f-99e7-2565b75b575c", State: core.ContactConnected, Queue: "InboundTest",
			QueuedAt: benchT.Add(4 * time.Second), DNIS: "+16013261548",
			Legs: []coretest.Leg{
				{ID: "1233dc5f-6d09-4752-85a0-cfca6fc445e7", Type: core.ConnAgent, State: core.ConnConnected, At: benchT.Add(4 * time.Second)},
				{ID: "5f2c1d7e-0b3a-4c8e-9d6f-1a2b3c4d5e6f", Type: core.ConnInbound, State: customer, At: since,
					Number: "sip:+161081111@lily-outbound", Initial: true},
			},
		})
	}
	return snap(core.ConnConnected, at), snap(core.ConnHold, at)
}

// BenchmarkObserve is the softphone's work for one Streams agent snapshot: decode it, diff it against the state
// it holds, build and encode the event (the send is a no-op). "change" posts one InboundCallStateChange per op;
// "unchanged" is the periodic push that changes nothing.
func BenchmarkObserve(b *testing.B) {
	connected, held := holdToggle(benchT.Add(10 * time.Second))
	b.Logf("snapshot: %d bytes", len(connected))
	b.Run("change", func(b *testing.B) {
		sent := 0
		phone := core.NewSoftphone("bench", &coretest.Streams{}, func([]byte) error { sent++; return nil })
		if err := phone.Observe(connected); err != nil {
			b.Fatal(err)
		}
		snaps := [2][]byte{held, connected}
		sent = 0
		b.ReportAllocs()
		b.SetBytes(int64(len(connected)))
		i := 0
		for b.Loop() {
			sinkErr = phone.Observe(snaps[i&1])
			i++
		}
		if sent != i {
			b.Fatalf("%d envelopes for %d snapshots", sent, i)
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		phone := core.NewSoftphone("bench", &coretest.Streams{}, coretest.Discard)
		if err := phone.Observe(connected); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			sinkErr = phone.Observe(connected)
		}
	})
}

// receiveFeed is what a real softphone posts for a connected call whose customer goes on hold and back n times:
// a prefix (Hello, agent state, the two legs' events) that primes a CRM, then n call events, in sequence and
// each one millisecond later than the one before.
func receiveFeed(b *testing.B, n int) (prefix, events [][]byte) {
	var out coretest.Outbox
	phone := core.NewSoftphone("bench-epoch", &coretest.Streams{}, out.Send)
	start := benchT.Add(10 * time.Second)
	connected, _ := holdToggle(start)
	if err := phone.Observe(connected); err != nil {
		b.Fatal(err)
	}
	prefix = out.Take()
	for i := 0; i < n; i++ {
		// Each change one millisecond after the last: the CRM drops an event older than the state it holds.
		connected, held := holdToggle(start.Add(time.Duration(i+1) * time.Millisecond))
		snap := held
		if i&1 == 1 {
			snap = connected
		}
		if err := phone.Observe(snap); err != nil {
			b.Fatal(err)
		}
	}
	events = out.Take()
	if len(events) != n {
		b.Fatalf("%d events for %d snapshots", len(events), n)
	}
	return prefix, events
}

// BenchmarkCRMReceive is the CRM's work for one call event from the softphone: decode, sequence check, state
// update, ButtonStates drift check, and the callback's payload. The events are a real softphone's, in sequence
// (epoch and seq), so no gap or drift diagnostic is ever raised; every 4,096 events a fresh CRM is primed
// outside the timer.
func BenchmarkCRMReceive(b *testing.B) {
	const batch = 4096
	prefix, events := receiveFeed(b, batch)
	b.Logf("event envelope: %d bytes", len(events[0]))
	fresh := func() *core.CRM {
		crm := core.NewCRM("myapp", "crm-epoch", coretest.Discard)
		for _, e := range prefix {
			crm.Receive(e, "https://softphone.example")
		}
		return crm
	}
	crm := fresh()
	b.ReportAllocs()
	b.SetBytes(int64(len(events[0])))
	i := 0
	for b.Loop() {
		if i == batch {
			b.StopTimer()
			crm, i = fresh(), 0
			b.StartTimer()
		}
		d := crm.Receive(events[i], "https://softphone.example")
		if len(d) != 1 || d[0].Name != core.OnCallStateChange {
			b.Fatalf("event %d gave %v", i, d)
		}
		sinkCount += len(d[0].Payload)
		i++
	}
}

// TestDecideAllocatesNothing: the ButtonStates rules (Decide, Buttons, Aggregate) allocate nothing per call, on
// every leg of every realistic contact shape and on an empty contact.
func TestDecideAllocatesNothing(t *testing.T) {
	shapes := append(benchContacts[:len(benchContacts):len(benchContacts)], struct {
		name  string
		conns []core.Connection
	}{"none", nil})
	for _, c := range shapes {
		for subject := -1; subject <= len(c.conns); subject++ {
			allocs := testing.AllocsPerRun(200, func() {
				sinkDecision = core.Decide(c.conns, subject)
				sinkStates = core.Buttons(c.conns, subject)
			})
			if allocs != 0 {
				t.Errorf("Decide/Buttons(%s, %d): %v allocations per call, want 0", c.name, subject, allocs)
			}
		}
		if allocs := testing.AllocsPerRun(200, func() { sinkDecision = core.Aggregate(c.conns) }); allocs != 0 {
			t.Errorf("Aggregate(%s): %v allocations per call, want 0", c.name, allocs)
		}
	}
}

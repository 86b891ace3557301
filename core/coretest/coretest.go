// Package coretest holds hand-written fakes of core's ports and builders of Streams snapshots, for tests of
// core and of the wasm adapter.
package coretest

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/ctibridge/ctibridge/core"
)

// Streams is a fake core.StreamsPort: it records every action and completes it with Result (nil: success).
// With Hold set, actions stay pending until Complete is called, as Streams' callbacks arrive later.
type Streams struct {
	// Result decides each action's outcome; nil means every action succeeds.
	Result func(core.Action) error
	// Hold keeps actions pending until Complete.
	Hold bool

	mu      sync.Mutex
	actions []core.Action
	pending []func()
}

var _ core.StreamsPort = (*Streams)(nil)

// Do records a and completes it now, or later if Hold is set.
func (s *Streams) Do(a core.Action, done func(error)) {
	s.mu.Lock()
	s.actions = append(s.actions, a)
	var err error
	if s.Result != nil {
		err = s.Result(a)
	}
	if s.Hold {
		s.pending = append(s.pending, func() { done(err) })
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	done(err)
}

// Complete runs the callbacks of every pending action, in order.
func (s *Streams) Complete() {
	s.mu.Lock()
	p := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, f := range p {
		f()
	}
}

// Actions returns the actions received so far.
func (s *Streams) Actions() []core.Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]core.Action(nil), s.actions...)
}

// Discard is a core.Sender that drops every envelope.
func Discard([]byte) error { return nil }

// Outbox is a core.Sender that keeps what it is given.
type Outbox struct {
	mu   sync.Mutex
	sent [][]byte
}

// Send records one envelope.
func (o *Outbox) Send(b []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, append([]byte(nil), b...))
	return nil
}

// Take returns and forgets what was sent.
func (o *Outbox) Take() [][]byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.sent
	o.sent = nil
	return s
}

// Envelopes decodes what was sent, and forgets it. It panics on an undecodable envelope: the roles never
// send one.
func (o *Outbox) Envelopes() []core.Envelope {
	var out []core.Envelope
	for _, b := range o.Take() {
		env, err := core.DecodeEnvelope(b)
		if err != nil {
			panic(err)
		}
		out = append(out, env)
	}
	return out
}

// Leg is one connection in a snapshot built by Snapshot.
type Leg struct {
	ID      string
	Type    core.ConnectionType
	State   core.ConnectionState
	At      time.Time
	Number  string // "" for null
	Initial bool
	Muted   bool // the leg's server-side mute
}

// Call is the voice contact of a snapshot built by Snapshot.
type Call struct {
	ID       string
	State    core.ContactState
	Queue    string
	QueuedAt time.Time
	DNIS     string // set as the contact attribute DNIS
	// Attributes are more contact attributes, by name: each value (any JSON value, as a snapshot may hold one)
	// becomes {name, value}.
	Attributes map[string]any
	Legs       []Leg
}

// Snapshot builds the JSON of a Streams agent snapshot in the shape the host sees after JSON.stringify
// (notes/real-snapshots.md §4: connections [agent, customer], endpoints with nulls, ISO timestamps).
func Snapshot(agentName string, agentType core.AgentStateType, calls ...Call) []byte {
	type endpoint struct {
		Type        string  `json:"type"`
		PhoneNumber *string `json:"phoneNumber"`
		Name        *string `json:"name"`
	}
	type state struct {
		Type      string `json:"type"`
		Timestamp string `json:"timestamp"`
	}
	type conn struct {
		ConnectionID string   `json:"connectionId"`
		Type         string   `json:"type"`
		Initial      bool     `json:"initial"`
		State        state    `json:"state"`
		Endpoint     endpoint `json:"endpoint"`
		Mute         bool     `json:"mute"`
	}
	type attr struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	type contact struct {
		ContactID       string          `json:"contactId"`
		Type            string          `json:"type"`
		State           state           `json:"state"`
		Queue           map[string]any  `json:"queue"`
		QueueTimestamp  string          `json:"queueTimestamp"`
		Attributes      map[string]attr `json:"attributes"`
		ContactDuration string          `json:"contactDuration"`
		Connections     []conn          `json:"connections"`
	}
	iso := func(t time.Time) string { return core.FormatTimestamp(t.UnixMilli()) }
	snap := map[string]any{
		"state":             map[string]any{"name": agentName, "type": agentType, "agentStateARN": nil, "startTimestamp": iso(time.Unix(0, 0))},
		"snapshotTimestamp": iso(time.Unix(0, 0)),
		"contacts":          []contact{},
	}
	var contacts []contact
	for _, c := range calls {
		ct := contact{
			ContactID: c.ID, Type: "voice", State: state{string(c.State), iso(c.QueuedAt)},
			Queue:          map[string]any{"name": c.Queue, "queueARN": "arn:aws:connect:::queue/q"},
			QueueTimestamp: iso(c.QueuedAt), Attributes: map[string]attr{}, ContactDuration: "0",
		}
		if c.DNIS != "" {
			ct.Attributes["DNIS"] = attr{Name: "DNIS", Value: c.DNIS}
		}
		for name, value := range c.Attributes {
			ct.Attributes[name] = attr{Name: name, Value: value}
		}
		for _, l := range c.Legs {
			ep := endpoint{Type: "agent"}
			if l.Type != core.ConnAgent {
				ep.Type = "phone_number"
			}
			if l.Number != "" {
				n := l.Number
				ep.PhoneNumber = &n
			}
			ct.Connections = append(ct.Connections, conn{ConnectionID: l.ID, Type: string(l.Type), Initial: l.Initial,
				State: state{string(l.State), iso(l.At)}, Endpoint: ep, Mute: l.Muted})
		}
		contacts = append(contacts, ct)
	}
	if contacts != nil {
		snap["contacts"] = contacts
	}
	b, err := json.Marshal(snap)
	if err != nil {
		panic(err)
	}
	return b
}

package core

// NewCallEvent builds message.call of the InboundCallStateChange envelope that reports contact.Connections[subject]
// having moved from previous to its current state. The mapping is the product contract's field table:
// connection fields from the subject, CallVariables from the contact, ExtendedCallVariables the contact's allowed
// attributes (null when none), ButtonStates from Decide.
func NewCallEvent(contact *Contact, subject int, previous ConnectionState) CallEvent {
	conn := &contact.Connections[subject]
	buttons := Buttons(contact.Connections, subject)
	since := FormatTimestamp(conn.Since)
	ev := CallEvent{
		ButtonStates: buttons,
		ResponseType: ResponseTypeSuccess,
		ResponseText: ResponseTextSuccess,
		ResponseActual: ResponseActual{
			ConnectionID:    conn.ID,
			ContactID:       contact.ID,
			PhoneNumber:     nullable(conn.PhoneNumber),
			Status:          conn.State,
			StatusTimestamp: since,
			Type:            conn.Type,
			ButtonFlags:     ButtonFlags(buttons),
			PreviousStatus:  previous,
		},
		CallVariables:         CallVariables{ANI: nullable(contact.ANI), DNIS: nullable(contact.DNIS)},
		ExtendedCallVariables: extendedCallVariables(contact.Attributes),
		ResponseFields: ResponseFields{
			Participants: participants(contact.Connections),
			MediaProperties: MediaProperties{
				CallType:  conn.Type,
				QueueName: contact.QueueName,
			},
			CallState:        conn.State,
			Type:             conn.Type,
			CurrentStateTime: since,
			DN:               contact.QueueName,
		},
		ID:       conn.ID,
		Event:    EventWord(contact, conn, previous),
		CallType: string(conn.Type),
	}
	if contact.QueueTimestamp != 0 {
		qt := FormatTimestamp(contact.QueueTimestamp)
		ev.ResponseFields.MediaProperties.QueueTimestamp = &qt
	}
	return ev
}

// The vendor's event words for a leg that ended (spec/vendor-api.md, "Topic InboundCall"); a leg that did not
// end has its Streams state as its word (connecting, connected, hold). web/docs/wire.md documents the mapping.
const (
	EventMissed   = "missed"   // the agent's leg ended without being answered
	EventRejected = "Rejected" // the agent rejected the contact
	EventACW      = "ACW"      // the agent's leg ended after being connected: after-call work
	EventDropped  = "Dropped"  // a party's leg ended
)

// EventWord is a call event's "event": the vendor's word for the state conn reached from previous. Only the
// word differs: ResponseActual.status, ResponseFields.CallState and previousStatus keep Streams' state.
func EventWord(contact *Contact, conn *Connection, previous ConnectionState) string {
	switch {
	case conn.State != ConnDisconnected:
		return string(conn.State)
	case !conn.IsAgentLeg():
		return EventDropped
	case contact.State == ContactRejected:
		return EventRejected
	case contact.State == ContactMissed || previous == ConnConnecting || previous == ConnInit:
		return EventMissed
	}
	return EventACW
}

// participants lists the third parties: every non-agent leg after the customer's. Never nil, so that the wire
// shows [] as in the vendor sample.
func participants(conns []Connection) []Participant {
	out := []Participant{}
	seenCustomer := false
	for i := range conns {
		c := &conns[i]
		if c.IsAgentLeg() {
			continue
		}
		if !seenCustomer {
			seenCustomer = true
			continue
		}
		out = append(out, Participant{ConnectionID: c.ID, Type: c.Type, Status: c.State, PhoneNumber: nullable(c.PhoneNumber)})
	}
	return out
}

// nullable maps "" to JSON null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Connection returns the connection an event reports, as the CRM reconstructs it: everything but the
// ButtonStates, which the CRM recomputes.
func (ev *CallEvent) Connection() Connection {
	c := Connection{
		ID:    ev.ResponseActual.ConnectionID,
		Type:  ev.ResponseActual.Type,
		State: ev.ResponseActual.Status,
		Since: parseTimestamp(&ev.ResponseActual.StatusTimestamp),
	}
	if ev.ResponseActual.PhoneNumber != nil {
		c.PhoneNumber = *ev.ResponseActual.PhoneNumber
	}
	return c
}

package core

// Button is one of the 11 call-bar buttons that ButtonStates name, in the order of the vendor's Answer Call page.
type Button uint8

// The buttons, in wire order.
const (
	Answer Button = iota
	Reject
	Disconnect
	Hold
	Resume
	ClearContact
	Consult
	Numberpad
	Swap
	Transfer
	Conference
	// ButtonCount is the number of buttons; the wire's ButtonStates.count.
	ButtonCount
)

// String returns the button's wire name ("answer", "clearContact", ...).
func (b Button) String() string {
	switch b {
	case Answer:
		return "answer"
	case Reject:
		return "reject"
	case Disconnect:
		return "disconnect"
	case Hold:
		return "hold"
	case Resume:
		return "resume"
	case ClearContact:
		return "clearContact"
	case Consult:
		return "consult"
	case Numberpad:
		return "numberpad"
	case Swap:
		return "swap"
	case Transfer:
		return "transfer"
	case Conference:
		return "conference"
	}
	return "unknown"
}

// ParseButton returns the button with the given wire name.
func ParseButton(name string) (Button, bool) {
	for b := Button(0); b < ButtonCount; b++ {
		if b.String() == name {
			return b, true
		}
	}
	return 0, false
}

// ButtonState says how a CRM shows a button. The zero value is Hide.
type ButtonState uint8

// ButtonState values; their wire spelling is the String form.
const (
	Hide ButtonState = iota
	Disable
	Enable
)

// String returns the wire spelling: "Hide", "Disable" or "Enable".
func (s ButtonState) String() string {
	switch s {
	case Hide:
		return "Hide"
	case Disable:
		return "Disable"
	case Enable:
		return "Enable"
	}
	return "unknown"
}

// parseButtonState is the inverse of String.
func parseButtonState(s string) (ButtonState, bool) {
	switch s {
	case "Hide":
		return Hide, true
	case "Disable":
		return Disable, true
	case "Enable":
		return Enable, true
	}
	return 0, false
}

// ButtonStates holds one state per button, indexed by Button. It is a value: copying it allocates nothing.
type ButtonStates [ButtonCount]ButtonState

// Reason explains why a button has its state; a CRM can show it as a tooltip. Reasons are stable identifiers.
type Reason string

// Reasons. Each rule in Decide names one.
const (
	// ReasonAgentRinging: the agent's leg is ringing, so it can be answered or rejected.
	ReasonAgentRinging Reason = "AGENT_RINGING"
	// ReasonAgentConnected: the agent is talking, so digits can be sent and a party added.
	ReasonAgentConnected Reason = "AGENT_CONNECTED"
	// ReasonAfterCall: the agent's leg is disconnected (after-call work, missed or rejected), so the contact can be cleared.
	ReasonAfterCall Reason = "AFTER_CALL"
	// ReasonPartyConnected: this party is talking to the agent, so it can be held or dropped.
	ReasonPartyConnected Reason = "PARTY_CONNECTED"
	// ReasonPartyOnHold: this party is on hold, so it can be resumed or dropped.
	ReasonPartyOnHold Reason = "PARTY_ON_HOLD"
	// ReasonPartyDialling: this party's leg is still being dialled; it can only be dropped.
	ReasonPartyDialling Reason = "PARTY_DIALLING"
	// ReasonTwoParties: a second party is live, so the agent can swap, transfer or conference.
	ReasonTwoParties Reason = "TWO_PARTIES"
	// ReasonConnectionConnecting: this leg is not connected yet.
	ReasonConnectionConnecting Reason = "CONNECTION_CONNECTING"
	// ReasonConnectionDisconnected: this leg has ended.
	ReasonConnectionDisconnected Reason = "CONNECTION_DISCONNECTED"
	// ReasonConnectionOnHold: this leg is on hold.
	ReasonConnectionOnHold Reason = "CONNECTION_ON_HOLD"
	// ReasonNotOnHold: resume needs a leg on hold.
	ReasonNotOnHold Reason = "NOT_ON_HOLD"
	// ReasonAlreadyAnswered: the agent's leg is past ringing.
	ReasonAlreadyAnswered Reason = "ALREADY_ANSWERED"
	// ReasonAgentNotConnected: party controls need the agent to be on the call.
	ReasonAgentNotConnected Reason = "AGENT_NOT_CONNECTED"
	// ReasonConsultInProgress: a third party is already on the call.
	ReasonConsultInProgress Reason = "CONSULT_IN_PROGRESS"
	// ReasonNoSecondParty: swap, transfer and conference need a second live party.
	ReasonNoSecondParty Reason = "NO_SECOND_PARTY"
	// ReasonNothingOnHold: swap and conference need one party on hold.
	ReasonNothingOnHold Reason = "NOTHING_ON_HOLD"
	// ReasonNoPartyTalking: swap needs one party talking and one on hold, and every party is on hold.
	ReasonNoPartyTalking Reason = "NO_PARTY_TALKING"
	// ReasonThirdPartyDialling: the third party has not answered yet.
	ReasonThirdPartyDialling Reason = "THIRD_PARTY_DIALLING"
	// ReasonCallActive: the contact can only be cleared once the agent's leg has ended.
	ReasonCallActive Reason = "CALL_ACTIVE"
	// ReasonPartyLeg: the button belongs to the ButtonStates of a party's leg, not of the agent's.
	ReasonPartyLeg Reason = "PARTY_LEG"
	// ReasonAgentLeg: the button belongs to the ButtonStates of the agent's leg, not of a party's.
	ReasonAgentLeg Reason = "AGENT_LEG"
	// ReasonNoContact: there is no contact.
	ReasonNoContact Reason = "NO_CONTACT"
	// ReasonUnsupportedState: the leg is in a state no button applies to (init, silent_monitor, barge).
	ReasonUnsupportedState Reason = "UNSUPPORTED_STATE"
)

// Decision is the ButtonStates of one connection's event, with the reason behind each button.
type Decision struct {
	States  ButtonStates
	Reasons [ButtonCount]Reason
}

func (d *Decision) set(b Button, s ButtonState, r Reason) { d.States[b], d.Reasons[b] = s, r }

// fill gives every button in bs the same state and reason.
func (d *Decision) fill(s ButtonState, r Reason, bs ...Button) {
	for _, b := range bs {
		d.set(b, s, r)
	}
}

func (d *Decision) fillAll(s ButtonState, r Reason) {
	for b := Button(0); b < ButtonCount; b++ {
		d.set(b, s, r)
	}
}

// Buttons returns the ButtonStates of the event that reports conns[subject]: Decide without the reasons.
func Buttons(conns []Connection, subject int) ButtonStates { return Decide(conns, subject).States }

// Decide computes the ButtonStates of the event that reports the connection conns[subject], and why each
// button has its state. conns are a contact's connections in Streams' order; the first non-agent leg is the
// customer, later ones are third parties.
//
// The rules read only what the wire carries (each connection's type and state, and the order in which legs
// appear), so that a CRM can recompute them from the events it received and detect drift. They are scoped
// to the reported leg, which is what makes the vendor's sample exact: the agent's leg carries the buttons of
// the agent's own actions (answer, reject, clearContact, consult, numberpad); a party's leg carries those
// that act on a party (hold, resume, disconnect, swap, transfer, conference). Aggregate merges them into the
// call bar. The table in web/docs/buttonstates.md is this function, row by row; buttons_test.go checks it
// against testdata/buttonstates.json.
//
// Decide allocates nothing.
func Decide(conns []Connection, subject int) Decision {
	var d Decision
	if subject < 0 || subject >= len(conns) {
		d.fillAll(Hide, ReasonNoContact)
		return d
	}
	s := &conns[subject]
	if s.IsAgentLeg() {
		d.fill(Hide, ReasonAgentLeg, Disconnect, Hold, Resume, Swap, Transfer, Conference)
		decideAgentLeg(&d, conns, s)
	} else {
		d.fill(Hide, ReasonPartyLeg, Answer, Reject, ClearContact, Consult, Numberpad)
		decidePartyLeg(&d, conns, s)
	}
	return d
}

// decideAgentLeg sets answer, reject, clearContact, consult and numberpad for the agent's own leg.
func decideAgentLeg(d *Decision, conns []Connection, agent *Connection) {
	switch agent.State {
	case ConnConnecting:
		d.fill(Enable, ReasonAgentRinging, Answer, Reject)
		d.fill(Hide, ReasonConnectionConnecting, Consult, Numberpad)
		d.set(ClearContact, Hide, ReasonCallActive)
	case ConnConnected:
		d.fill(Hide, ReasonAlreadyAnswered, Answer, Reject)
		d.set(ClearContact, Hide, ReasonCallActive)
		d.set(Numberpad, Enable, ReasonAgentConnected)
		if liveThirdParties(conns) > 0 {
			d.set(Consult, Disable, ReasonConsultInProgress)
		} else {
			d.set(Consult, Enable, ReasonAgentConnected)
		}
	case ConnHold:
		d.fill(Hide, ReasonAlreadyAnswered, Answer, Reject)
		d.set(ClearContact, Hide, ReasonCallActive)
		d.fill(Disable, ReasonConnectionOnHold, Consult, Numberpad)
	case ConnDisconnected:
		d.fill(Hide, ReasonConnectionDisconnected, Answer, Reject, Consult, Numberpad)
		d.set(ClearContact, Enable, ReasonAfterCall)
	default:
		d.fill(Hide, ReasonUnsupportedState, Answer, Reject, ClearContact, Consult, Numberpad)
	}
}

// decidePartyLeg sets hold, resume, disconnect, swap, transfer and conference for a customer or third-party leg.
func decidePartyLeg(d *Decision, conns []Connection, p *Connection) {
	agent := agentLeg(conns)
	if agent == nil || (agent.State != ConnConnected && agent.State != ConnHold) {
		d.fill(Hide, ReasonAgentNotConnected, Disconnect, Hold, Resume, Swap, Transfer, Conference)
		return
	}
	switch p.State {
	case ConnConnected:
		d.set(Hold, Enable, ReasonPartyConnected)
		d.set(Resume, Hide, ReasonNotOnHold)
		d.set(Disconnect, Enable, ReasonPartyConnected)
	case ConnHold:
		d.set(Hold, Hide, ReasonConnectionOnHold)
		d.set(Resume, Enable, ReasonPartyOnHold)
		d.set(Disconnect, Enable, ReasonPartyOnHold)
	case ConnConnecting:
		d.fill(Hide, ReasonConnectionConnecting, Hold, Resume)
		d.set(Disconnect, Enable, ReasonPartyDialling)
	case ConnDisconnected:
		d.fill(Hide, ReasonConnectionDisconnected, Disconnect, Hold, Resume, Swap, Transfer, Conference)
		return
	default:
		d.fill(Hide, ReasonUnsupportedState, Disconnect, Hold, Resume, Swap, Transfer, Conference)
		return
	}
	decideMultiParty(d, conns)
}

// decideMultiParty sets swap, transfer and conference, which depend on the customer and a third party together.
func decideMultiParty(d *Decision, conns []Connection) {
	var live, connected, held, dialling int
	for i := range conns {
		c := &conns[i]
		if c.IsAgentLeg() || !c.live() {
			continue
		}
		live++
		switch c.State {
		case ConnConnected:
			connected++
		case ConnHold:
			held++
		case ConnConnecting:
			dialling++
		}
	}
	switch {
	case live < 2:
		d.fill(Hide, ReasonNoSecondParty, Swap, Transfer, Conference)
	case dialling > 0:
		d.fill(Disable, ReasonThirdPartyDialling, Swap, Transfer, Conference)
	case held == 0:
		// Everyone is talking: a conference. Transfer (the agent leaves, the others stay) still works.
		d.fill(Hide, ReasonNothingOnHold, Swap, Conference)
		d.set(Transfer, Enable, ReasonTwoParties)
	default:
		d.fill(Enable, ReasonTwoParties, Transfer, Conference)
		if connected == 1 && held == 1 {
			d.set(Swap, Enable, ReasonTwoParties)
		} else {
			d.set(Swap, Hide, ReasonNoPartyTalking)
		}
	}
}

// Aggregate merges the ButtonStates of every connection of a contact into one call bar: a button is Enable if
// any leg's event enables it, else Disable if any disables it, else Hide. The reason is the one of the leg
// that decided. With no connections, every button is Hide with ReasonNoContact.
func Aggregate(conns []Connection) Decision {
	var out Decision
	out.fillAll(Hide, ReasonNoContact)
	for i := range conns {
		d := Decide(conns, i)
		for b := Button(0); b < ButtonCount; b++ {
			// On a tie, a leg's own reason beats "this belongs to another leg", which explains nothing.
			tieBetterReason := d.States[b] == out.States[b] && (out.Reasons[b] == ReasonAgentLeg || out.Reasons[b] == ReasonPartyLeg)
			if i == 0 || d.States[b] > out.States[b] || tieBetterReason {
				out.set(b, d.States[b], d.Reasons[b])
			}
		}
	}
	return out
}

func agentLeg(conns []Connection) *Connection {
	for i := range conns {
		if conns[i].IsAgentLeg() {
			return &conns[i]
		}
	}
	return nil
}

// liveThirdParties counts live legs after the customer's (the first non-agent leg).
func liveThirdParties(conns []Connection) int {
	n, seenCustomer := 0, false
	for i := range conns {
		c := &conns[i]
		if c.IsAgentLeg() {
			continue
		}
		if !seenCustomer {
			seenCustomer = true
			continue
		}
		if c.live() {
			n++
		}
	}
	return n
}

package core

// AgentButton is one of the five agent buttons of the vendor's agent ButtonStates, in the order of its samples.
type AgentButton uint8

// The agent buttons, in wire order.
const (
	NotReadyButton AgentButton = iota
	ReadyButton
	MakeCallButton
	MuteButton
	UnmuteButton
	// AgentButtonCount is the number of agent buttons; the wire's count.
	AgentButtonCount
)

// String returns the button's wire name ("NotReady", "make_call", ...).
func (b AgentButton) String() string {
	switch b {
	case NotReadyButton:
		return "NotReady"
	case ReadyButton:
		return "Ready"
	case MakeCallButton:
		return "make_call"
	case MuteButton:
		return "mute"
	case UnmuteButton:
		return "unmute"
	}
	return "unknown"
}

// ParseAgentButton returns the agent button with the given wire name.
func ParseAgentButton(name string) (AgentButton, bool) {
	for b := AgentButton(0); b < AgentButtonCount; b++ {
		if b.String() == name {
			return b, true
		}
	}
	return 0, false
}

// AgentButtonStates holds one state per agent button, indexed by AgentButton.
type AgentButtonStates [AgentButtonCount]ButtonState

// Reasons of the agent buttons. Where a call button's reason means the same (NO_CONTACT, AFTER_CALL), it is reused.
const (
	// ReasonNotLoggedIn: the agent is logged out, or logging in or out: no agent control applies.
	ReasonNotLoggedIn Reason = "NOT_LOGGED_IN"
	// ReasonMuted: the agent is muted, so it can be unmuted.
	ReasonMuted Reason = "MUTED"
	// ReasonNotMuted: the agent is not muted, so it can be muted.
	ReasonNotMuted Reason = "NOT_MUTED"
	// ReasonRoutable: the agent is available (a routable state): it can go not ready, and is ready already.
	ReasonRoutable Reason = "ROUTABLE"
	// ReasonNotRoutable: the agent is in a not-ready state: it can become ready or pick another reason.
	ReasonNotRoutable Reason = "NOT_ROUTABLE"
	// ReasonOffline: the agent is offline: it can become ready or not ready.
	ReasonOffline Reason = "OFFLINE"
	// ReasonSystemState: a state Amazon Connect set with no contact left (an error state such as
	// MissedCallAgent once cleared, or a transient one): the agent can choose a state.
	ReasonSystemState Reason = "SYSTEM_STATE"
	// ReasonStatePending: Streams has not reported the agent's state yet (type init, or none).
	ReasonStatePending Reason = "STATE_PENDING"
	// ReasonOnCall: a call is ringing or live: Amazon Connect refuses a state change during a live contact,
	// and the agent's phone has no line free to dial out.
	ReasonOnCall Reason = "ON_CALL"
)

// AgentCall is what the agent buttons need to know of the call: whether the agent's leg is ringing, live or ended.
type AgentCall uint8

// AgentCall values.
const (
	NoCall      AgentCall = iota // no contact
	CallRinging                  // the agent's leg is connecting
	CallLive                     // the agent's leg is connected or on hold (or the contact has no agent leg yet)
	CallEnded                    // the agent's leg is disconnected: after-call work, missed or rejected
)

// String returns the name the test vectors use: "none", "ringing", "live" or "ended".
func (c AgentCall) String() string {
	switch c {
	case NoCall:
		return "none"
	case CallRinging:
		return "ringing"
	case CallLive:
		return "live"
	case CallEnded:
		return "ended"
	}
	return "unknown"
}

// AgentCallOf returns the phase of contact for the agent buttons; nil is NoCall.
func AgentCallOf(contact *Contact) AgentCall {
	if contact == nil {
		return NoCall
	}
	switch leg := contact.AgentLeg(); {
	case leg == nil:
		return CallLive
	case leg.State == ConnConnecting:
		return CallRinging
	case leg.State == ConnDisconnected:
		return CallEnded
	}
	return CallLive
}

// AgentDecision is the agent ButtonStates with the reason behind each button.
type AgentDecision struct {
	States  AgentButtonStates
	Reasons [AgentButtonCount]Reason
}

func (d *AgentDecision) set(s ButtonState, r Reason, bs ...AgentButton) {
	for _, b := range bs {
		d.States[b], d.Reasons[b] = s, r
	}
}

// DecideAgent computes the five agent buttons from the login state, the type of the agent's state, mute and the
// call. The table in web/docs/agentbuttons.md is this function, row by row; agentbuttons_test.go checks it
// against testdata/agentbuttons.json, which holds the vendor's samples as rows.
//
// Mute and unmute follow the mute flag alone, with or without a call, as the vendor's samples show them (the
// GetAgentState sample enables mute with no call). State changes and dialling out need the agent free: a ringing
// or live call disables them (Amazon Connect refuses putAgentState during a live contact, notes/real-snapshots.md
// §2.5), and so does after-call work until the contact is cleared. Amazon Connect lets an agent dial out in any
// state, offline included. DecideAgent allocates nothing.
func DecideAgent(login LoginState, state AgentStateType, muted bool, call AgentCall) AgentDecision {
	var d AgentDecision
	if login != LoggedIn {
		d.set(Hide, ReasonNotLoggedIn, NotReadyButton, ReadyButton, MakeCallButton, MuteButton, UnmuteButton)
		return d
	}
	if muted {
		d.set(Hide, ReasonMuted, MuteButton)
		d.set(Enable, ReasonMuted, UnmuteButton)
	} else {
		d.set(Enable, ReasonNotMuted, MuteButton)
		d.set(Hide, ReasonNotMuted, UnmuteButton)
	}
	switch call {
	case CallRinging, CallLive:
		d.set(Disable, ReasonOnCall, NotReadyButton, ReadyButton, MakeCallButton)
		return d
	case CallEnded:
		d.set(Disable, ReasonAfterCall, NotReadyButton, ReadyButton, MakeCallButton)
		return d
	}
	d.set(Enable, ReasonNoContact, MakeCallButton)
	switch state {
	case AgentTypeRoutable:
		d.set(Enable, ReasonRoutable, NotReadyButton)
		d.set(Hide, ReasonRoutable, ReadyButton)
	case AgentTypeNotRoutable:
		d.set(Enable, ReasonNotRoutable, NotReadyButton, ReadyButton)
	case AgentTypeOffline:
		d.set(Enable, ReasonOffline, NotReadyButton, ReadyButton)
	case AgentTypeSystem, AgentTypeError:
		d.set(Enable, ReasonSystemState, NotReadyButton, ReadyButton)
	default: // init, or a type this build does not know
		d.set(Disable, ReasonStatePending, NotReadyButton, ReadyButton, MakeCallButton)
	}
	return d
}

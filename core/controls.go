package core

// Control is one call control: the CRM method, the request subtopic it sends, the button that must be Enable
// for it, and its error type and message in the style of the vendor's Answer Call page.
type Control struct {
	Method       string // the CRM's JavaScript method, e.g. "answerCall"
	Subtopic     string // the request's subtopic, e.g. "Answer"
	Button       Button
	ErrorType    string // e.g. "ANSWER_CALL_FAILED"
	ErrorMessage string // e.g. "Answering call failed."
}

// IsAnswer reports whether c is the Answer control. (Compare the subtopic, not the button: the
// SetAgentState pseudo-control has no button, and the zero Button is Answer.)
func (c Control) IsAnswer() bool { return c.Subtopic == "Answer" }

// Controls lists every call control, one per button, in button order: the subtopic, error type and message are
// the request's in the vendor's table, Requests (requests.go), and a test holds them equal. It is an array, so
// that looking a control up (on every envelope decoded) allocates nothing.
func Controls() [ButtonCount]Control {
	return [ButtonCount]Control{
		{"answerCall", "Answer", Answer, "ANSWER_CALL_FAILED", "Answering call failed."},
		{"rejectCall", "Reject", Reject, "REJECT_CALL_FAILED", "Rejecting call failed."},
		{"disconnectCall", "Disconnect", Disconnect, "DISCONNECT_CALL_FAILED", "Disconnecting call failed."},
		{"holdCall", "Hold", Hold, "HOLD_CALL_FAILED", "Call hold failed."},
		{"resumeCall", "Resume", Resume, "RESUME_CALL_FAILED", "Resuming call failed."},
		{"clearContact", "ClearContact", ClearContact, "CLEAR_CONTACT_FAILED", "Clearing contact failed."},
		{"consult", "Consult", Consult, "CONSULT_FAILED", "Consulting failed."},
		{"sendDigits", "SendDTMF", Numberpad, "SEND_DTMF_FAILED", "Failed to send DTMF."},
		{"swap", "Swap", Swap, "SWAP_FAILED", "Swapping calls failed."},
		{"transfer", "Transfer", Transfer, "TRANSFER_FAILED", "Transferring call failed."},
		{"conference", "Conference", Conference, "CONFERENCE_FAILED", "Conferencing failed."},
	}
}

// olderDigitsSubtopic is SendDTMF as ctibridge CRMs before the vendor's whole API sent it (with args.digits): a
// softphone still answers it, so that a CRM page deployed earlier keeps working.
const olderDigitsSubtopic = "SendDigits"

// ControlBySubtopic returns the control whose request has the given subtopic (SendDigits is SendDTMF).
func ControlBySubtopic(subtopic string) (Control, bool) {
	if subtopic == olderDigitsSubtopic {
		subtopic = "SendDTMF"
	}
	for _, c := range Controls() {
		if c.Subtopic == subtopic {
			return c, true
		}
	}
	return Control{}, false
}

// ControlByMethod returns the control with the given CRM method name.
func ControlByMethod(method string) (Control, bool) {
	for _, c := range Controls() {
		if c.Method == method {
			return c, true
		}
	}
	return Control{}, false
}

// ActionKind is the Streams operation a control becomes.
type ActionKind string

// Action kinds, named after the Streams call each one makes (amazon-connect-streams src/api.js).
const (
	ActAccept        ActionKind = "contact.accept"                  // via client.call("acceptContact"), see wasm/streams.go
	ActReject        ActionKind = "contact.reject"                  // rejectContact
	ActDestroy       ActionKind = "connection.destroy"              // destroyConnection
	ActHold          ActionKind = "connection.hold"                 // holdConnection
	ActResume        ActionKind = "connection.resume"               // resumeConnection
	ActClear         ActionKind = "contact.clear"                   // clearContact
	ActSendDigits    ActionKind = "connection.sendDigits"           // sendDigits
	ActAddConnection ActionKind = "contact.addConnection"           // createAdditionalConnection
	ActToggle        ActionKind = "contact.toggleActiveConnections" // toggleActiveConnections
	ActConference    ActionKind = "contact.conferenceConnections"   // conferenceConnections
	ActSetAgentState ActionKind = "agent.setState"                  // putAgentState
	ActConnect       ActionKind = "agent.connect"                   // createOutboundContact: dial out
	ActMute          ActionKind = "agent.mute"                      // the softphone's microphone, in the page
	ActUnmute        ActionKind = "agent.unmute"                    // the same
	// ActLogin has the agent sign in: Amazon Connect's login window at URL (connect.core.getPopupManager().open),
	// and Streams reloading the CCP frame until it acknowledges (connect.core.reauthenticateAfterLogout). It ends
	// when the CCP acknowledges, or with ErrLoginWindowBlocked, ErrLoginWindowClosed or ErrLoginTimedOut.
	ActLogin ActionKind = "core.reauthenticateAfterLogout"
	// ActLogout loads URL, the instance's logout endpoint, in a hidden frame: Amazon Connect ends the agent's
	// session, and the CCP frame tells Streams (terminated). It ends when the endpoint has loaded.
	ActLogout ActionKind = "logout endpoint"
)

// Action is one call into Streams, fully resolved: which contact and connection, with which arguments.
type Action struct {
	Kind         ActionKind
	ContactID    string
	ConnectionID string
	Digits       string
	PhoneNumber  string
	QuickConnect string
	AgentState   string
	// Endpoint is the quick connect (or endpoint) a vendor request names as an object, for ActConnect and
	// ActAddConnection; nil when the target is PhoneNumber or QuickConnect.
	Endpoint *Endpoint
	// URL is the page ActLogin and ActLogout open (Session).
	URL string
}

// Plan turns a request for control c on contact into the Streams action to perform, after checking that the
// control's button is Enable in the contact's call bar (Aggregate). It never touches Streams: a refusal here
// is final and costs no round trip. args may be nil.
func Plan(c Control, contact *Contact, args *RequestArgs) (Action, error) {
	if args == nil {
		args = &RequestArgs{}
	}
	if contact == nil {
		return Action{}, c.Fail(CauseNotAllowed, "No call: there is no contact.")
	}
	bar := Aggregate(contact.Connections)
	if bar.States[c.Button] != Enable {
		return Action{}, c.Fail(CauseNotAllowed,
			"The "+c.Button.String()+" button is "+bar.States[c.Button].String()+" ("+string(bar.Reasons[c.Button])+").")
	}
	a := Action{ContactID: contact.ID}
	agent := contact.AgentLeg()
	switch c.Button {
	case Answer:
		a.Kind = ActAccept
	case Reject:
		a.Kind = ActReject
	case ClearContact:
		a.Kind = ActClear
	case Swap:
		a.Kind = ActToggle
	case Conference:
		a.Kind = ActConference
	case Transfer:
		// Streams has no transfer call: the agent leaves and the two parties stay connected.
		a.Kind, a.ConnectionID = ActDestroy, agent.ID
	case Numberpad:
		if !ValidDigits(args.Digits) {
			return Action{}, c.Fail(CauseInvalidArgument, "Digits must be 1 to 64 of 0-9 * # , (got \""+args.Digits+"\").")
		}
		a.Kind, a.ConnectionID, a.Digits = ActSendDigits, agent.ID, args.Digits
	case Consult:
		switch {
		case args.QuickConnect != "":
			a.QuickConnect = args.QuickConnect
		case ValidPhoneNumber(args.PhoneNumber):
			a.PhoneNumber = args.PhoneNumber
		default:
			return Action{}, c.Fail(CauseInvalidArgument, "Consult needs an E.164 phone number such as +15555550100, or a quick connect name.")
		}
		a.Kind = ActAddConnection
	case Hold, Resume, Disconnect:
		target, err := partyTarget(c, contact, args.ConnectionID)
		if err != nil {
			return Action{}, err
		}
		a.ConnectionID, a.Kind = target, ActDestroy
		if c.Button == Hold {
			a.Kind = ActHold
		} else if c.Button == Resume {
			a.Kind = ActResume
		}
	}
	return a, nil
}

// partyTarget picks the party leg a hold, resume or disconnect acts on: the one the request names, else the
// first leg whose own ButtonStates enable the control. For disconnect with two live parties that is the
// customer's leg only if no third party is live: hanging up during a consult drops the consulted party.
func partyTarget(c Control, contact *Contact, named string) (string, error) {
	conns := contact.Connections
	if named != "" {
		for i := range conns {
			if conns[i].ID == named {
				if Decide(conns, i).States[c.Button] != Enable {
					return "", c.Fail(CauseNotAllowed, "The "+c.Button.String()+" button is not Enable for connection "+named+".")
				}
				return named, nil
			}
		}
		return "", c.Fail(CauseInvalidArgument, "No connection "+named+" on this contact.")
	}
	pick := ""
	for i := range conns {
		if Decide(conns, i).States[c.Button] == Enable {
			pick = conns[i].ID
			if c.Button != Disconnect { // hold and resume: the first (the customer first)
				break
			}
		}
	}
	if c.Button == Disconnect && liveParties(conns) == 1 {
		// A two-party call: hanging up is the agent leaving, Streams' usual agentConnection.destroy().
		pick = contact.AgentLeg().ID
	}
	return pick, nil
}

func liveParties(conns []Connection) int {
	n := 0
	for i := range conns {
		if !conns[i].IsAgentLeg() && conns[i].live() {
			n++
		}
	}
	return n
}

// ValidDigits reports whether d is a DTMF string Streams' sendDigits accepts: 1 to 64 of 0-9 * # and the
// comma (a pause).
func ValidDigits(d string) bool {
	if len(d) == 0 || len(d) > 64 {
		return false
	}
	for i := 0; i < len(d); i++ {
		switch c := d[i]; {
		case c >= '0' && c <= '9', c == '*', c == '#', c == ',':
		default:
			return false
		}
	}
	return true
}

// ValidPhoneNumber reports whether n is E.164: a '+' and 2 to 15 digits.
func ValidPhoneNumber(n string) bool {
	if len(n) < 3 || len(n) > 16 || n[0] != '+' {
		return false
	}
	for i := 1; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}

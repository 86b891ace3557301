package core

import (
	"strconv"

	"github.com/mailru/easyjson/jlexer"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// Hand-written easyjson codecs for the vendor's agent messages, whose shapes no struct tag can express.

// RulesForm is which of its three published forms an agent message's rules takes.
type RulesForm uint8

// RulesForm values. The zero value is null.
const (
	RulesNull   RulesForm = iota // null: the agent is known but its state is not (the LoginSuccess sample)
	RulesEmpty                   // "": the agent is logged out (the logged-out StateSync sample)
	RulesObject                  // {ButtonStates, ResponseActual}
)

// AgentRules is rules of the vendor's agent messages: null, an empty string, or an object, as published.
type AgentRules struct {
	Form   RulesForm
	Object AgentRulesObject // when Form is RulesObject
}

// MarshalEasyJSON writes null, "" or the object.
func (r AgentRules) MarshalEasyJSON(w *jwriter.Writer) {
	switch r.Form {
	case RulesEmpty:
		w.RawString(`""`)
	case RulesObject:
		r.Object.MarshalEasyJSON(w)
	default:
		w.RawString("null")
	}
}

// UnmarshalEasyJSON reads null, "" or an object; any other value is an error.
func (r *AgentRules) UnmarshalEasyJSON(l *jlexer.Lexer) {
	*r = AgentRules{}
	switch {
	case l.IsNull():
		l.Skip()
	case l.IsDelim('{'):
		r.Form = RulesObject
		r.Object.UnmarshalEasyJSON(l)
	default:
		if s := l.UnsafeString(); s != "" && l.Ok() {
			l.AddError(&jlexer.LexerError{Reason: `rules must be an object, null or ""`})
		}
		r.Form = RulesEmpty
	}
}

// IsDefined reports true: rules is always written, null included.
func (AgentRules) IsDefined() bool { return true }

// MarshalEasyJSON writes all five buttons: {"items": {"NotReady": "Enable", ...}, "count": 5}.
func (s AgentButtonStates) MarshalEasyJSON(w *jwriter.Writer) {
	writeButtonStates(w, s[:], AgentButton.String)
}

// UnmarshalEasyJSON reads the agent ButtonStates. A vendor softphone may send only the buttons a change touches
// (its Mute sample has mute and unmute, count 2): items may name any of the five, each at most once, and count
// must be how many it names. A button not named reads as Hide.
func (s *AgentButtonStates) UnmarshalEasyJSON(l *jlexer.Lexer) {
	*s = AgentButtonStates{}
	var seen [AgentButtonCount]bool
	count := readButtonStates(l, s[:], seen[:], ParseAgentButton, "agent ")
	named := 0
	for _, ok := range seen {
		if ok {
			named++
		}
	}
	if l.Ok() && count != named {
		l.AddError(&jlexer.LexerError{Reason: "agent ButtonStates count is " + strconv.Itoa(count) + " but items names " + strconv.Itoa(named)})
	}
}

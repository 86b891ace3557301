package core

import (
	"encoding/json"

	"github.com/mailru/easyjson/jlexer"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// Hand-written easyjson codecs for the wire types whose shape no struct tag can express. easyjson's generated
// code calls them like its own.

// RawJSON is a JSON value kept as its text, for the fields whose type the vendor leaves open: a request's "data"
// (a bare string for most controls, an object for others; the typed accessors of requests.go read it), and the
// fields every vendor sample shows as null but that a peer may fill with any JSON value (ActionsAllowed,
// ExtendedCallVariables, fromAddress: the vendor's other products fill ActionsAllowed, and
// ExtendedCallVariables is named for contact attributes). It holds the value's text as the peer sent it (a view
// of the decoder's input, like every decoded string, wire.go), which is written back unchanged, so that a CRM's
// callbacks get it as sent. Empty is written as null (what a ctibridge softphone sends where it has nothing),
// or left out where the field is tagged omitempty.
type RawJSON []byte

// MarshalEasyJSON writes the value as it was read, or null.
func (r RawJSON) MarshalEasyJSON(w *jwriter.Writer) {
	if len(r) == 0 {
		w.RawString("null")
		return
	}
	w.Raw(r, nil)
}

// UnmarshalEasyJSON keeps the text of the next value, whatever it is, if it is JSON: jlexer checks the
// brackets of an object or array, not a lone string's characters (a raw control character), and a CRM hands
// the text to JSON.parse. (jlexer.SkipRecursive links encoding/json.Valid already.)
func (r *RawJSON) UnmarshalEasyJSON(l *jlexer.Lexer) {
	raw := l.Raw()
	if l.Ok() && !json.Valid(raw) {
		l.AddError(&jlexer.LexerError{Reason: "not a JSON value"})
		return
	}
	*r = raw
}

// IsDefined reports whether a value was read or set: omitempty leaves out an empty one.
func (r RawJSON) IsDefined() bool { return len(r) > 0 }

// MarshalEasyJSON writes ButtonStates as the wire's {"items": {"answer": "Hide", ...}, "count": 11}.
func (s ButtonStates) MarshalEasyJSON(w *jwriter.Writer) { writeButtonStates(w, s[:], Button.String) }

// writeButtonStates writes {"items": {"<name>": "<state>", ...}, "count": n}, the shape of both ButtonStates
// tables (the call's and the agent's), in button order.
func writeButtonStates[B ~uint8](w *jwriter.Writer, states []ButtonState, name func(B) string) {
	w.RawString(`{"items":{`)
	for i, st := range states {
		if i > 0 {
			w.RawByte(',')
		}
		w.RawByte('"')
		w.RawString(name(B(i)))
		w.RawString(`":"`)
		w.RawString(st.String())
		w.RawByte('"')
	}
	w.RawString(`},"count":`)
	w.Int(len(states))
	w.RawByte('}')
}

// UnmarshalEasyJSON reads the wire's ButtonStates strictly: "items" must name each of the 11 buttons exactly
// once with Hide, Disable or Enable, and "count" must be 11.
func (s *ButtonStates) UnmarshalEasyJSON(l *jlexer.Lexer) {
	var seen [ButtonCount]bool
	count := readButtonStates(l, s[:], seen[:], ParseButton, "")
	if !l.Ok() {
		return
	}
	for b, ok := range seen {
		if !ok {
			l.AddError(&jlexer.LexerError{Reason: "ButtonStates misses " + Button(b).String()})
			return
		}
	}
	if count != int(ButtonCount) {
		l.AddError(&jlexer.LexerError{Reason: "ButtonStates count is not 11"})
	}
}

// readButtonStates reads {"items": {"<name>": "<state>", ...}, "count": n}, the shape of both ButtonStates tables,
// into states, marking in seen each button items names (once at most: a repeat is an error). It returns count,
// -1 when absent; what each table requires of the buttons named and of count is its caller's to check. what
// names the table in errors ("" or "agent ").
func readButtonStates[B ~uint8](l *jlexer.Lexer, states []ButtonState, seen []bool, parse func(string) (B, bool), what string) int {
	count := -1
	l.Delim('{')
	for !l.IsDelim('}') && l.Ok() {
		key := l.UnsafeFieldName(false)
		l.WantColon()
		switch key {
		case "items":
			l.Delim('{')
			for !l.IsDelim('}') && l.Ok() {
				name := l.UnsafeFieldName(false)
				l.WantColon()
				b, ok := parse(name)
				if !ok || seen[b] {
					l.AddError(&jlexer.LexerError{Reason: "unknown or repeated " + what + "button " + name})
					return count
				}
				st, ok := parseButtonState(l.UnsafeString())
				if !ok {
					l.AddError(&jlexer.LexerError{Reason: what + "button " + name + " is not Hide, Disable or Enable"})
					return count
				}
				seen[b], states[b] = true, st
				l.WantComma()
			}
			l.Delim('}')
		case "count":
			count = l.Int()
		default:
			l.AddError(&jlexer.LexerError{Reason: "unknown " + what + "ButtonStates field " + key})
			return count
		}
		l.WantComma()
	}
	l.Delim('}')
	return count
}

// ButtonFlags is the boolean view of ButtonStates in ResponseActual.buttonStates: true where the button is Enable.
type ButtonFlags ButtonStates

// MarshalEasyJSON writes {"answer": false, ...}.
func (f ButtonFlags) MarshalEasyJSON(w *jwriter.Writer) {
	w.RawByte('{')
	for b := Button(0); b < ButtonCount; b++ {
		if b > 0 {
			w.RawByte(',')
		}
		w.RawByte('"')
		w.RawString(b.String())
		w.RawString(`":`)
		w.Bool(f[b] == Enable)
	}
	w.RawByte('}')
}

// UnmarshalEasyJSON reads the boolean view strictly: each of the 11 buttons exactly once, each a boolean.
func (f *ButtonFlags) UnmarshalEasyJSON(l *jlexer.Lexer) {
	var seen [ButtonCount]bool
	l.Delim('{')
	for !l.IsDelim('}') && l.Ok() {
		name := l.UnsafeFieldName(false)
		l.WantColon()
		b, ok := ParseButton(name)
		if !ok || seen[b] {
			l.AddError(&jlexer.LexerError{Reason: "unknown or repeated button " + name})
			return
		}
		seen[b] = true
		if l.Bool() {
			f[b] = Enable
		} else {
			f[b] = Hide
		}
		l.WantComma()
	}
	l.Delim('}')
	if !l.Ok() {
		return
	}
	for b, ok := range seen {
		if !ok {
			l.AddError(&jlexer.LexerError{Reason: "buttonStates misses " + Button(b).String()})
			return
		}
	}
}

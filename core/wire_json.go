package core

import (
	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"
)

// Hand-written easyjson codecs for the wire types whose shape no struct tag can express. easyjson's generated
// code calls them like its own.

// Null is a field that the vendor sample always shows as null (ActionsAllowed, ExtendedCallVariables,
// fromAddress). It is written as null; any value read is skipped, so a peer filling it in is not an error.
type Null struct{}

// MarshalEasyJSON writes null.
func (Null) MarshalEasyJSON(w *jwriter.Writer) { w.RawString("null") }

// UnmarshalEasyJSON skips the value, whatever it is.
func (*Null) UnmarshalEasyJSON(l *jlexer.Lexer) { l.Skip() }

// IsDefined reports true, so that Null is written even without omitempty.
func (Null) IsDefined() bool { return true }

// MarshalEasyJSON writes ButtonStates as the wire's {"items": {"answer": "Hide", ...}, "count": 11}.
func (s ButtonStates) MarshalEasyJSON(w *jwriter.Writer) {
	w.RawString(`{"items":{`)
	for b := Button(0); b < ButtonCount; b++ {
		if b > 0 {
			w.RawByte(',')
		}
		w.RawByte('"')
		w.RawString(b.String())
		w.RawString(`":"`)
		w.RawString(s[b].String())
		w.RawByte('"')
	}
	w.RawString(`},"count":`)
	w.Int(int(ButtonCount))
	w.RawByte('}')
}

// UnmarshalEasyJSON reads the wire's ButtonStates strictly: "items" must name each of the 11 buttons exactly
// once with Hide, Disable or Enable, and "count" must be 11.
func (s *ButtonStates) UnmarshalEasyJSON(l *jlexer.Lexer) {
	var seen [ButtonCount]bool
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
				b, ok := ParseButton(name)
				if !ok || seen[b] {
					l.AddError(&jlexer.LexerError{Reason: "unknown or repeated button " + name})
					return
				}
				st, ok := parseButtonState(l.UnsafeString())
				if !ok {
					l.AddError(&jlexer.LexerError{Reason: "button " + name + " is not Hide, Disable or Enable"})
					return
				}
				seen[b], s[b] = true, st
				l.WantComma()
			}
			l.Delim('}')
		case "count":
			count = l.Int()
		default:
			l.AddError(&jlexer.LexerError{Reason: "unknown ButtonStates field " + key})
			return
		}
		l.WantComma()
	}
	l.Delim('}')
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

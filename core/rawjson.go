package core

import (
	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"
)

// RawJSON is a JSON value kept as its text, for the fields whose type the vendor leaves open (a request's
// "data": a bare string for most controls, an object for others). Decoding checks that it is one valid JSON
// value and keeps a view of the input (wire.go: the decoders' input is the caller's own copy); the typed
// accessors (requests.go) read it. Absent and empty are the same: IsDefined is false and the field is left out
// where it is tagged omitempty.
type RawJSON []byte

// MarshalEasyJSON writes the value as it was read, or null if there is none.
func (r RawJSON) MarshalEasyJSON(w *jwriter.Writer) {
	if len(r) == 0 {
		w.RawString("null")
		return
	}
	w.Raw(r, nil)
}

// UnmarshalEasyJSON keeps the text of the next value; invalid JSON is a lexer error.
func (r *RawJSON) UnmarshalEasyJSON(l *jlexer.Lexer) { *r = l.Raw() }

// IsDefined reports whether a value was read or set.
func (r RawJSON) IsDefined() bool { return len(r) > 0 }

package core

import (
	"errors"
	"slices"

	"github.com/mailru/easyjson/jlexer"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// Contact attributes are personal data (an IVR's customer id, an account number, what the caller typed), so the
// softphone lets out only those a deployer names (load()'s contactAttributes option), and none by default. They
// are kept out at the source: the adapter serialises a Streams snapshot with AttributeAllowlist.SnapshotKeys,
// which lists no other attribute, and Softphone keeps only the allowed ones of what it decodes.

// MaxAttributesBytes bounds the allowed attributes of one contact, written as JSON (names and values, quoted and
// escaped): an attribute that would take them over it is left out (in allowlist order, so the first named win),
// and counted as a TOO_LARGE diagnostic. It keeps every envelope under MaxEnvelopeBytes: a call event carries the
// attributes once (ExtendedCallVariables), InboundCall/StateSync once, and the Bridge Snapshot once per
// connection, so a six-party conference's Snapshot stays near 40 KB. Amazon Connect allows 32 KB of attributes
// per contact; a screen pop needs a few ids.
const MaxAttributesBytes = 4 << 10

// ErrAttributeName is why NewAttributeAllowlist refuses a list: one of its names is empty.
var ErrAttributeName = errors.New("contactAttributes must list non-empty attribute names")

// AttributeAllowlist names the contact attributes the softphone reports. Its zero value allows none.
type AttributeAllowlist struct {
	names []string // in the order the deployer gave, without repeats
}

// NewAttributeAllowlist returns the allowlist of names, as Amazon Connect spells them (attribute names are
// case-sensitive). A name listed twice counts once; an empty name is an error (ErrAttributeName).
func NewAttributeAllowlist(names []string) (AttributeAllowlist, error) {
	var a AttributeAllowlist
	for _, n := range names {
		if n == "" {
			return AttributeAllowlist{}, ErrAttributeName
		}
		if !slices.Contains(a.names, n) {
			a.names = append(a.names, n)
		}
	}
	return a, nil
}

// SnapshotKeys returns SnapshotKeys and the allowed names: the keys the adapter serialises a Streams snapshot
// with (JSON.stringify's replacer array), so that no other attribute is copied out of Streams. A replacer array
// applies at every depth: an allowed name that is also a key elsewhere in the snapshot copies that key too,
// which the snapshot types skip.
func (a AttributeAllowlist) SnapshotKeys() []string {
	keys := slices.Clone(SnapshotKeys)
	for _, n := range a.names {
		if !slices.Contains(keys, n) {
			keys = append(keys, n)
		}
	}
	return keys
}

// pick returns the allowed attributes present in attrs (a Streams contact's), in allowlist order, each with a
// value, within MaxAttributesBytes; and how many were left out for their size.
func (a AttributeAllowlist) pick(attrs map[string]StreamsAttr) (out []Attr, tooLarge int) {
	used := 2 // the object's braces
	for _, n := range a.names {
		at, ok := attrs[n]
		if !ok || at.Value == nil {
			continue
		}
		// The entry as ExtendedCallVariables writes it: "name":"value", and a comma.
		var w jwriter.Writer
		w.String(n)
		w.String(*at.Value)
		if size := w.Size() + 2; used+size <= MaxAttributesBytes {
			used += size
			out = append(out, Attr{Name: n, Value: at.Value})
		} else {
			tooLarge++
		}
	}
	return out, tooLarge
}

// extendedCallVariables writes attrs as the object of strings ExtendedCallVariables carries, or nothing (null)
// when there are none.
func extendedCallVariables(attrs []Attr) RawJSON {
	if len(attrs) == 0 {
		return nil
	}
	var w jwriter.Writer
	w.RawByte('{')
	for i, at := range attrs {
		if i > 0 {
			w.RawByte(',')
		}
		w.String(at.Name)
		w.RawByte(':')
		w.String(*at.Value)
	}
	w.RawByte('}')
	b, _ := w.BuildBytes() // never fails: only strings were written
	return b
}

// UnmarshalEasyJSON reads one entry of a Streams contact's attributes, {name, value}, leniently: Amazon Connect's
// values are strings, but a snapshot is foreign data, and one odd attribute must not make the whole snapshot
// unreadable. A number or boolean value is kept as its JSON text; null, an object or an array leave Value nil
// (the attribute is absent), as does an entry that is not an object.
func (a *StreamsAttr) UnmarshalEasyJSON(l *jlexer.Lexer) {
	if !l.IsDelim('{') {
		l.SkipRecursive()
		return
	}
	l.Delim('{')
	for !l.IsDelim('}') && l.Ok() {
		key := l.UnsafeFieldName(false)
		l.WantColon()
		switch key {
		case "name":
			a.Name, _ = attrText(l)
		case "value":
			if v, ok := attrText(l); ok {
				a.Value = &v
			}
		default:
			l.SkipRecursive()
		}
		l.WantComma()
	}
	l.Delim('}')
}

// attrText reads a string, number or boolean as text; anything else is skipped (ok false).
func attrText(l *jlexer.Lexer) (text string, ok bool) {
	switch l.CurrentToken() {
	case jlexer.TokenString:
		return l.UnsafeString(), true
	case jlexer.TokenNumber:
		return string(l.Raw()), true
	case jlexer.TokenBool:
		if l.Bool() {
			return "true", true
		}
		return "false", true
	}
	l.SkipRecursive()
	return "", false
}

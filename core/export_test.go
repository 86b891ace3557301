package core

import "github.com/mailru/easyjson/jlexer"

// Hooks for the external tests (package core_test).

// MessageText returns the text of "message" DecodeEnvelope kept for a CRM's callbacks.
func MessageText(e *Envelope) []byte { return e.rawMessage }

// ReencodeMessage decodes a message's text and encodes it again, as a CRM did before it kept the text.
func ReencodeMessage(text []byte) ([]byte, error) {
	var m Message
	l := jlexer.Lexer{Data: text}
	m.UnmarshalEasyJSON(&l)
	if err := l.Error(); err != nil {
		return nil, err
	}
	return encodeMessage(&m), nil
}

// EncodeMessage is encodeMessage.
var EncodeMessage = encodeMessage

// ParseTimestamp is parseTimestamp.
var ParseTimestamp = parseTimestamp

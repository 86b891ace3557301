package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ctibridge/ctibridge/core"
)

func TestAmazonMessage(t *testing.T) {
	for _, tc := range []struct{ name, err, data, want string }{
		{"worker error", `{"type":"InvalidStateException","message":"Contact is not ringing","statusCode":400}`, "", "Contact is not ringing"},
		{"message in data", `{}`, `{"type":"UnknownMethod","message":"method transferContact is unknown"}`, "method transferContact is unknown"},
		{"type only", `{"type":"AccessDenied"}`, "", "AccessDenied"},
		{"bare string", "error", "", "error"},
		{"nothing", "", "", "Amazon Connect gave no error message."},
		{"empty object", "{}", "", "Amazon Connect gave no error message."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, core.AmazonMessage(tc.err, tc.data))
		})
	}
}

func TestParseOrigin(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"https://crm.example.com", "https://crm.example.com", true},
		{"http://127.0.0.1:8000", "http://127.0.0.1:8000", true},
		{"https://crm.example.com/", "https://crm.example.com", true},
		{"*", "", false},
		{"https://*.example.com", "", false},
		{"null", "", false},
		{"", "", false},
		{"https://crm.example.com/path", "", false},
		{"HTTPS://CRM.example.com", "", false},
		{"ftp://crm.example.com", "", false},
		{"crm.example.com", "", false},
		{"https://user@crm.example.com", "", false},
	} {
		got, err := core.ParseOrigin(tc.in)
		if tc.ok {
			assert.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, got)
		} else {
			assert.ErrorIs(t, err, core.ErrBadOrigin, tc.in)
		}
	}
	assert.True(t, core.Origins{"https://a.example"}.Match("https://a.example"))
	assert.False(t, core.Origins{"https://a.example"}.Match("https://a.example.evil.com"))
	assert.False(t, core.Origins{"https://a.example"}.Match("https://A.example"))
}

func TestMaskPhoneNumbers(t *testing.T) {
	assert.Equal(t, `{"ANI":"+*******11","DNIS":"+*********48","n":"+1234"}`,
		string(core.MaskPhoneNumbers([]byte(`{"ANI":"+161081111","DNIS":"+16013261548","n":"+1234"}`))))
}

package jwriter_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	easyjson "github.com/mailru/easyjson/jwriter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// writer is the part of the API that the copy and easyjson's writer share, for one program to drive both.
type writer interface {
	RawByte(byte)
	RawString(string)
	Raw([]byte, error)
	RawText([]byte, error)
	String(string)
	Base64Bytes([]byte)
	Bool(bool)
	Int(int)
	Int64(int64)
	Int64Str(int64)
	Uint64(uint64)
	Uint64Str(uint64)
	Float32(float32)
	Float64(float64)
	Float64Str(float64)
	Size() int
	BuildBytes(...[]byte) ([]byte, error)
}

// output is what a writer leaves after a program: its size before building, the bytes built and the error.
type output struct {
	size int
	json string
	err  string
}

func result(w writer) output {
	size := w.Size()
	b, err := w.BuildBytes()
	out := output{size: size, json: string(b)}
	if err != nil {
		out.err = err.Error()
	}
	return out
}

// same runs program on the copy and on easyjson's writer, both with noEscapeHTML, and asserts that they wrote
// the same bytes and the same error. It returns the copy's output.
func same(t *testing.T, noEscapeHTML bool, program func(writer)) output {
	t.Helper()
	ours, theirs := &jwriter.Writer{NoEscapeHTML: noEscapeHTML}, &easyjson.Writer{NoEscapeHTML: noEscapeHTML}
	program(ours)
	program(theirs)
	got, want := result(ours), result(theirs)
	assert.Equal(t, want, got, "core/jwriter and easyjson's jwriter differ")
	return got
}

// hostileStrings are the strings whose encoding is not a copy of their bytes.
func hostileStrings() map[string]string {
	var controls strings.Builder
	for c := range 0x20 {
		controls.WriteByte(byte(c))
	}
	controls.WriteString("\x7f")
	return map[string]string{
		"empty":             "",
		"plain":             "Agent 1 <agent1@example.com>",
		"control chars":     controls.String(),
		"quote backslash":   `say "hi" \ bye \\`,
		"html":              `<script>alert("&amp;")</script> a > b & c < d`,
		"line separators":   "a\u2028b\u2029c\u2028",
		"non-ASCII":         "Zoë — 東京 🎧 \ufffd",
		"invalid UTF-8":     "a\xffb\xfe\xc0\x80",
		"truncated rune":    "ends mid rune \xe2\x80",
		"surrogate half":    "\xed\xa0\x80 lone",
		"separator then ff": "\u2028\xff\u2029",
	}
}

func TestStringSameAsEasyjson(t *testing.T) {
	for name, s := range hostileStrings() {
		for _, noEscapeHTML := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/NoEscapeHTML=%v", name, noEscapeHTML), func(t *testing.T) {
				out := same(t, noEscapeHTML, func(w writer) { w.String(s) })
				assert.True(t, strings.HasPrefix(out.json, `"`) && strings.HasSuffix(out.json, `"`), "a JSON string: %s", out.json)
			})
		}
	}
}

// TestBigBuffersSameAsEasyjson writes past the buffer's first chunks (128 B, doubling to 32 KiB), with escapes
// on the chunk boundaries, in one write and in many small ones.
func TestBigBuffersSameAsEasyjson(t *testing.T) {
	unit := "0123456789abcdef<\u2028\x01\xff\"" // 26 bytes: escapes fall on every offset of a chunk
	big := strings.Repeat(unit, 10_000)
	t.Run("one string", func(t *testing.T) {
		out := same(t, false, func(w writer) { w.String(big) })
		assert.Greater(t, out.size, 3*32768, "the output spans several chunks")
	})
	t.Run("many writes", func(t *testing.T) {
		out := same(t, false, func(w writer) {
			w.RawByte('[')
			for i := range 20_000 {
				if i > 0 {
					w.RawByte(',')
				}
				w.String(unit[:i%len(unit)])
				w.RawByte(',')
				w.Int(i)
			}
			w.RawByte(']')
		})
		assert.Greater(t, out.size, 3*32768, "the output spans several chunks")
	})
	t.Run("raw bytes", func(t *testing.T) {
		same(t, false, func(w writer) {
			w.RawString(big)
			w.Raw([]byte(big), nil)
		})
	})
}

func TestBuildBytesReuseSameAsEasyjson(t *testing.T) {
	for _, n := range []int{10, 100_000} {
		program := func(w writer) { w.String(strings.Repeat("x", n)) }
		ours, theirs := &jwriter.Writer{}, &easyjson.Writer{}
		program(ours)
		program(theirs)
		reuse := make([]byte, 0, 200_000)
		got, err := ours.BuildBytes(reuse)
		require.NoError(t, err)
		want, err := theirs.BuildBytes(make([]byte, 0, 200_000))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
		assert.Equal(t, n > 128, &got[:1][0] == &reuse[:1][0], "a multi-chunk result is built in the given slice")
	}
}

func TestValuesSameAsEasyjson(t *testing.T) {
	errMarshal := errors.New("marshal failed")
	for name, program := range map[string]func(writer){
		"ints": func(w writer) {
			w.Int(0)
			w.Int(-1)
			w.Int64(math.MinInt64)
			w.Int64Str(math.MaxInt64)
			w.Uint64(math.MaxUint64)
			w.Uint64Str(42)
		},
		"floats": func(w writer) {
			w.Float64(0.1)
			w.Float64(1e21)
			w.Float64(-1.5e-7)
			w.Float32(3.4e38)
			w.Float64Str(2.5)
		},
		"unsupported float": func(w writer) {
			w.Float64(math.NaN())
			w.Float64(math.Inf(1))
		},
		"bools and base64": func(w writer) {
			w.Bool(true)
			w.Bool(false)
			w.Base64Bytes(nil)
			w.Base64Bytes([]byte{0, 1, 2, 3, 4})
			w.Base64Bytes([]byte("ab"))
		},
		"raw": func(w writer) {
			w.Raw([]byte(`{"a":1}`), nil)
			w.Raw(nil, nil)
			w.RawText([]byte("<text>"), nil)
		},
		"raw error": func(w writer) {
			w.RawByte('{')
			w.Raw(nil, errMarshal)
			w.RawText([]byte("after"), errMarshal)
		},
		"raw text error": func(w writer) { w.RawText(nil, errMarshal) },
	} {
		t.Run(name, func(t *testing.T) { same(t, false, program) })
	}
}

// FuzzString holds the copy's string encoding to easyjson's for any bytes, with and without HTML escaping.
func FuzzString(f *testing.F) {
	for _, s := range hostileStrings() {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, noEscapeHTML bool) {
		same(t, noEscapeHTML, func(w writer) { w.String(s) })
	})
}

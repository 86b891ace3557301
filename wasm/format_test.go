package wasm

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

var update = flag.Bool("update", false, "rewrite the generated fast path format block of web/ctibridge.js")

const (
	loaderPath  = "../web/ctibridge.js"
	formatBegin = "// fast path format: begin"
	formatEnd   = "// fast path format: end"
)

// loaderFormat is the loader's copy of format.go: the constants fastPath in web/ctibridge.js reads records
// and classifies data with.
func loaderFormat() string {
	var b strings.Builder
	for _, c := range []struct {
		name  string
		value int
	}{
		{"OP_EMIT", opEmit}, {"OP_POST", opPost},
		{"RECORD_OP", recordOp}, {"RECORD_CHANNEL", recordChannel}, {"RECORD_NAME_LENGTH", recordNameLen}, {"RECORD_NAME", recordName},
		{"RESULT_PUMP", resultPump}, {"RESULT_SHIFT", resultShift},
		{"KIND_STRING", int(core.DataString)}, {"KIND_OBJECT", int(core.DataObject)}, {"KIND_TOO_LARGE", int(core.DataTooLarge)},
		{"KIND_NOT_PLAIN", int(core.DataNotPlain)}, {"KIND_UNSERIALISABLE", int(core.DataUnserialisable)},
		{"KIND_OTHER_TYPE", int(core.DataOtherType)},
	} {
		fmt.Fprintf(&b, "const %s = %d;\n", c.name, c.value)
	}
	b.WriteString("const OTHER_TYPES = [")
	for i, t := range core.OtherTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", t)
	}
	b.WriteString("];\n")
	return b.String()
}

// TestLoaderFormat holds the loader's copy of the fast path format equal to format.go; with -update
// (make generate) it writes it.
func TestLoaderFormat(t *testing.T) {
	src, err := os.ReadFile(loaderPath)
	require.NoError(t, err)
	text := string(src)
	begin := strings.Index(text, formatBegin)
	require.GreaterOrEqual(t, begin, 0, "web/ctibridge.js has no %q line", formatBegin)
	begin += strings.IndexByte(text[begin:], '\n') + 1
	end := strings.Index(text, formatEnd)
	require.Greater(t, end, begin-1, "web/ctibridge.js has no %q line after the begin line", formatEnd)
	want := loaderFormat()
	if *update {
		require.NoError(t, os.WriteFile(loaderPath, []byte(text[:begin]+want+text[end:]), 0o644))
		return
	}
	assert.Equal(t, want, text[begin:end], "web/ctibridge.js's fast path format is stale: run make generate")
}

// The loader reads a record at the offsets the format declares: appendRecord must write it there.
func TestRecordLayout(t *testing.T) {
	rec := appendRecord([]byte{9}, opPost, 0x01020304, "diagnostic", []byte(`{"a":1}`))[1:]
	assert.Equal(t, byte(opPost), rec[recordOp])
	assert.Equal(t, uint32(0x01020304), binary.LittleEndian.Uint32(rec[recordChannel:]))
	require.Equal(t, byte(len("diagnostic")), rec[recordNameLen])
	nameEnd := recordName + int(rec[recordNameLen])
	assert.Equal(t, "diagnostic", string(rec[recordName:nameEnd]))
	n := binary.LittleEndian.Uint32(rec[nameEnd:])
	assert.Equal(t, `{"a":1}`, string(rec[nameEnd+4:nameEnd+4+int(n)]))
	assert.Len(t, rec, nameEnd+4+int(n), "nothing after the payload")
}

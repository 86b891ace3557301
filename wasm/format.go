package wasm

import "encoding/binary"

// The fast path's wire format between this module and the loader (fastPath in web/ctibridge.js). It is
// written here once: the loader's copy is the block between "fast path format" markers in web/ctibridge.js,
// which format_test.go generates from these declarations and core.DataKind's (make generate) and checks
// (go test ./wasm).

// Record operations in the outbox. A record is [op u8][channel u32 LE][name length u8][name][payload length
// u32 LE][payload]; appendRecord writes one, and the offsets below are where the loader reads its parts.
const (
	opEmit = 1 // call the callbacks of name with JSON.parse(payload)
	opPost = 2 // post payload to the channel's peer
)

// Offsets in a record.
const (
	recordOp      = 0 // op u8
	recordChannel = 1 // channel id u32 LE
	recordNameLen = 5 // name length u8
	recordName    = 6 // name, then payload length u32 LE, then payload
)

// nameMax is the longest name a record carries (its length is one byte).
const nameMax = 255

// appendRecord appends one record to out. Names are the bridge's event names: ASCII, and never over nameMax.
func appendRecord(out []byte, op byte, channel int32, name string, payload []byte) []byte {
	out = append(out, op)
	out = binary.LittleEndian.AppendUint32(out, uint32(channel))
	out = append(out, byte(len(name)))
	out = append(out, name...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
	return append(out, payload...)
}

// An export that ran a role returns the length of its records shifted left by resultShift, with resultPump
// set when the loader must let ready goroutines run after it.
const (
	resultPump  = 1
	resultShift = 1
)

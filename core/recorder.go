package core

import (
	"encoding/json"
	"strconv"
	"sync"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// RecorderSize is how many entries a flight recorder keeps by default, and RecorderBytes how many bytes of
// envelopes at most: the recorder is bounded memory, not a log.
const (
	RecorderSize  = 200
	RecorderBytes = 48 << 10
)

// Recorder is a flight recorder: the last envelopes in and out and the call bar changes, kept in memory so
// that a user can attach them to a support ticket. Recording is a copy and nothing more, because it runs on
// every event; masking phone numbers and formatting happen in Export. It is safe for concurrent use.
type Recorder struct {
	mu sync.Mutex
	// ring holds count entries, the oldest at index first, wrapping around; it is allocated whole at the
	// start, so that recording never grows it.
	ring    []recorded
	first   int
	count   int
	bytes   int // total len(data) of the entries
	lastBar ButtonStates
	haveBar bool
	spare   []byte // the data buffer of the last entry forgotten, reused so that a steady stream allocates nothing
}

type recorded struct {
	at   int64     // ms since the epoch
	kind string    // "in", "out", "buttons", "diagnostic"
	data []byte    // the envelope or diagnostic as received or sent (unmasked until Export)
	bar  *Decision // the call bar, for kind "buttons"
}

// NewRecorder returns a recorder that keeps the last size entries (and at most RecorderBytes of them); size 0
// or less means RecorderSize.
func NewRecorder(size int) *Recorder {
	if size <= 0 {
		size = RecorderSize
	}
	return &Recorder{ring: make([]recorded, size)}
}

// Envelope records an envelope received ("in") or posted ("out") at time at (ms since the epoch).
func (r *Recorder) Envelope(at int64, direction string, envelope []byte) {
	r.addCopy(at, direction, envelope)
}

// Diagnostic records a diagnostic.
func (r *Recorder) Diagnostic(at int64, payload []byte) { r.addCopy(at, "diagnostic", payload) }

// CallBar records the call bar if it differs from the last one recorded.
func (r *Recorder) CallBar(at int64, d Decision) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.haveBar && r.lastBar == d.States {
		return
	}
	r.lastBar, r.haveBar = d.States, true
	r.addLocked(recorded{at: at, kind: "buttons", bar: &d})
}

// addCopy records a copy of data, made in the buffer of the last entry forgotten when that is large enough.
func (r *Recorder) addCopy(at int64, kind string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	buf := r.spare
	r.spare = nil
	if cap(buf) < len(data) {
		buf = make([]byte, 0, len(data))
	}
	r.addLocked(recorded{at: at, kind: kind, data: append(buf[:0], data...)})
}

func (r *Recorder) addLocked(e recorded) {
	if r.ring == nil { // a Recorder{} rather than NewRecorder
		r.ring = make([]recorded, RecorderSize)
	}
	if r.count == len(r.ring) {
		r.forgetOldestLocked()
	}
	r.ring[(r.first+r.count)%len(r.ring)] = e
	r.count++
	r.bytes += len(e.data)
	for r.bytes > RecorderBytes && r.count > 1 {
		r.forgetOldestLocked()
	}
}

func (r *Recorder) forgetOldestLocked() {
	old := &r.ring[r.first]
	r.bytes -= len(old.data)
	if cap(old.data) > cap(r.spare) {
		r.spare = old.data
	}
	*old = recorded{}
	r.first = (r.first + 1) % len(r.ring)
	r.count--
}

// Export writes the entries, oldest first, as {"entries": [{"at": "<ISO time>", "kind": "in", "data": {...}}]},
// with every phone number masked. Data that is not JSON (a malformed message) is written as a string.
func (r *Recorder) Export() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var w jwriter.Writer
	w.RawString(`{"entries":[`)
	for i := range r.count {
		e := &r.ring[(r.first+i)%len(r.ring)]
		if i > 0 {
			w.RawByte(',')
		}
		w.RawString(`{"at":`)
		w.String(FormatTimestamp(e.at))
		w.RawString(`,"kind":`)
		w.String(e.kind)
		w.RawString(`,"data":`)
		switch data := MaskPhoneNumbers(e.data); {
		case e.bar != nil:
			w.Raw(MarshalCallBar(*e.bar), nil)
		case json.Valid(data):
			w.Raw(data, nil)
		default:
			w.String(string(data))
		}
		w.RawByte('}')
	}
	w.RawString(`],"size":`)
	w.RawString(strconv.Itoa(r.count))
	w.RawByte('}')
	return w.Buffer.BuildBytes()
}

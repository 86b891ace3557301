package core

import (
	"encoding/json"
	"strconv"
	"sync"

	"github.com/mailru/easyjson/jwriter"
)

// RecorderSize is how many entries a flight recorder keeps by default.
const RecorderSize = 200

// Recorder is a flight recorder: the last envelopes in and out and the call bar changes, phone numbers masked,
// kept in memory so that a user can attach them to a support ticket. Its zero value keeps RecorderSize
// entries; it is safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	size    int
	entries []recorded
	next    int // where the next entry goes once the ring is full
	lastBar ButtonStates
	haveBar bool
}

type recorded struct {
	at   int64  // ms since the epoch
	kind string // "in", "out", "buttons", "diagnostic"
	data []byte // masked JSON
}

// NewRecorder returns a recorder that keeps the last size entries.
func NewRecorder(size int) *Recorder { return &Recorder{size: size} }

// Envelope records an envelope received ("in") or posted ("out") at time at (ms since the epoch).
func (r *Recorder) Envelope(at int64, direction string, envelope []byte) {
	data := MaskPhoneNumbers(envelope)
	if !json.Valid(data) { // a malformed message is kept as a string, so that the export stays JSON
		var w jwriter.Writer
		w.String(string(data))
		data = w.Buffer.BuildBytes()
	}
	r.add(recorded{at: at, kind: direction, data: data})
}

// Diagnostic records a diagnostic.
func (r *Recorder) Diagnostic(at int64, payload []byte) {
	r.add(recorded{at: at, kind: "diagnostic", data: append([]byte(nil), payload...)})
}

// CallBar records the call bar if it differs from the last one recorded.
func (r *Recorder) CallBar(at int64, d Decision) {
	r.mu.Lock()
	changed := !r.haveBar || r.lastBar != d.States
	r.lastBar, r.haveBar = d.States, true
	r.mu.Unlock()
	if changed {
		r.add(recorded{at: at, kind: "buttons", data: MarshalCallBar(d)})
	}
}

func (r *Recorder) add(e recorded) {
	r.mu.Lock()
	defer r.mu.Unlock()
	size := r.size
	if size <= 0 {
		size = RecorderSize
	}
	if len(r.entries) < size {
		r.entries = append(r.entries, e)
		return
	}
	r.entries[r.next] = e
	r.next = (r.next + 1) % size
}

// Export writes the entries, oldest first, as {"entries": [{"at": "<ISO time>", "kind": "in", "data": {...}}]}.
func (r *Recorder) Export() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var w jwriter.Writer
	w.RawString(`{"entries":[`)
	for i := range r.entries {
		e := r.entries[(r.next+i)%len(r.entries)]
		if i > 0 {
			w.RawByte(',')
		}
		w.RawString(`{"at":`)
		w.String(FormatTimestamp(e.at))
		w.RawString(`,"kind":`)
		w.String(e.kind)
		w.RawString(`,"data":`)
		w.Raw(e.data, nil)
		w.RawByte('}')
	}
	w.RawString(`],"size":`)
	w.RawString(strconv.Itoa(len(r.entries)))
	w.RawByte('}')
	return w.Buffer.BuildBytes()
}

//go:build js && wasm

package wasm

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// Options are read with getGuarded: a page may pass objects with throwing getters or cross-origin windows.

// optWindow reads an optional Window option, defaulting to the global window.
func optWindow(rt *jsRuntime, opts safejs.Value, name string) (safejs.Value, error) {
	v, err := rt.getGuarded(opts, name)
	if err != nil {
		return safejs.Value{}, err
	}
	if v.IsUndefined() || v.IsNull() {
		return rt.global, nil
	}
	if add, err := rt.getGuarded(v, "addEventListener"); err != nil || add.Type() != safejs.TypeFunction {
		return safejs.Value{}, fmt.Errorf("option %s must be a Window", name)
	}
	return v, nil
}

// optDuration reads an optional number of milliseconds.
func optDuration(rt *jsRuntime, opts safejs.Value, name string, def time.Duration) (time.Duration, error) {
	v, err := rt.getGuarded(opts, name)
	if err != nil {
		return 0, err
	}
	if v.IsUndefined() || v.IsNull() {
		return def, nil
	}
	if v.Type() != safejs.TypeNumber {
		return 0, fmt.Errorf("option %s must be a number of milliseconds", name)
	}
	ms, err := v.Float()
	if err != nil || ms <= 0 || ms > 24*3600*1000 {
		return 0, fmt.Errorf("option %s must be between 1 ms and one day", name)
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// optBool reads an optional boolean.
func optBool(rt *jsRuntime, opts safejs.Value, name string) (bool, error) {
	v, err := rt.getGuarded(opts, name)
	if err != nil {
		return false, err
	}
	if v.IsUndefined() || v.IsNull() {
		return false, nil
	}
	if v.Type() != safejs.TypeBoolean {
		return false, fmt.Errorf("option %s must be a boolean", name)
	}
	return v.Bool()
}

// optStrings reads a required array of strings; of names what they are, for the error.
func optStrings(rt *jsRuntime, opts safejs.Value, name, of string) ([]string, error) {
	v, err := rt.getGuarded(opts, name)
	if err != nil {
		return nil, err
	}
	n, err := v.Length()
	if err != nil || v.Type() != safejs.TypeObject {
		return nil, fmt.Errorf("option %s must be an array of %s", name, of)
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		e, err := v.Index(i)
		if err != nil || e.Type() != safejs.TypeString {
			return nil, fmt.Errorf("option %s must be an array of strings", name)
		}
		s, _ := e.String()
		out = append(out, s)
	}
	return out, nil
}

// optStringList reads an optional array of strings: none when absent.
func optStringList(rt *jsRuntime, opts safejs.Value, name, of string) ([]string, error) {
	if v, err := rt.getGuarded(opts, name); err == nil && (v.IsUndefined() || v.IsNull()) {
		return nil, nil
	}
	return optStrings(rt, opts, name, of)
}

// started is when the module started: its monotonic clock has microseconds, the wall clock milliseconds.
var started = time.Now()

// newEpoch names one life of this window, so that it differs on every load: the wall-clock millisecond and the
// microseconds since the module started. (Epochs must be unique, not secret; math/rand would cost 3 KB.)
func newEpoch() string {
	return strconv.FormatInt(time.Now().UnixMilli(), 36) + "-" + strconv.FormatInt(time.Since(started).Microseconds(), 36)
}

// debugMode is the debug option: off (false or absent), masked (true) or unmasked ("unmasked").
type debugMode int

const (
	debugOff debugMode = iota
	debugMasked
	debugUnmasked
)

// optDebug reads the debug option.
func optDebug(rt *jsRuntime, opts safejs.Value) (debugMode, error) {
	v, err := rt.getGuarded(opts, "debug")
	if err != nil {
		return debugOff, err
	}
	switch v.Type() {
	case safejs.TypeUndefined, safejs.TypeNull:
		return debugOff, nil
	case safejs.TypeBoolean:
		if on, _ := v.Bool(); on {
			return debugMasked, nil
		}
		return debugOff, nil
	case safejs.TypeString:
		if s, _ := v.String(); s == "unmasked" {
			return debugUnmasked, nil
		}
	}
	return debugOff, errors.New(`option debug must be true, false or "unmasked"`)
}

// debug logs an envelope if the page turned debug logging on, with phone numbers masked unless it asked for
// them (debug: "unmasked"). Nothing else in ctibridge logs phone numbers.
func (rt *jsRuntime) debug(mode debugMode, prefix string, envelope []byte) {
	switch mode {
	case debugMasked:
		_, _ = rt.console.Call("debug", prefix, string(core.MaskPhoneNumbers(envelope)))
	case debugUnmasked:
		_, _ = rt.console.Call("debug", prefix, string(envelope))
	}
}

// diagnosticsValue returns {counts: {REASON: n}, listeners: n} for bridge.diagnostics().
func diagnosticsValue(rt *jsRuntime, c *core.Counters, ch *channel) any {
	obj, err := rt.object.New()
	if err != nil {
		return nil
	}
	counts, err := rt.object.New()
	if err != nil {
		return nil
	}
	for r, n := range c.Snapshot() {
		_ = counts.Set(string(r), n)
	}
	_ = obj.Set("counts", counts)
	_ = obj.Set("listeners", ch.count())
	return obj
}

// optString reads an optional string property; ok is false when the property is absent.
func optString(rt *jsRuntime, v safejs.Value, name string) (string, bool, error) {
	p, err := rt.getGuarded(v, name)
	if err != nil {
		return "", false, err
	}
	if p.IsUndefined() || p.IsNull() {
		return "", false, nil
	}
	if p.Type() != safejs.TypeString {
		return "", false, fmt.Errorf("option %s must be a string", name)
	}
	s, err := p.String()
	return s, true, err
}

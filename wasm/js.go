//go:build js && wasm

package wasm

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// jsRuntime holds the JavaScript globals every bridge uses, looked up once when the bridge is created.
type jsRuntime struct {
	global  safejs.Value
	promise safejs.Value // Promise
	object  safejs.Value // Object
	errorC  safejs.Value // Error
	json    safejs.Value // JSON
	console safejs.Value
	reflect safejs.Value // Reflect
	fast    *fastPath    // the layer to the loader (fastpath.go), set by Register

	objectPrototype safejs.Value // Object.prototype
}

func lookupRuntime() (*jsRuntime, error) {
	g := safejs.Global()
	rt := &jsRuntime{global: g}
	for name, dst := range map[string]*safejs.Value{
		"Promise": &rt.promise, "Object": &rt.object, "Error": &rt.errorC, "JSON": &rt.json, "console": &rt.console,
		"Reflect": &rt.reflect,
	} {
		v, err := g.Get(name)
		if err != nil || v.IsUndefined() {
			return nil, fmt.Errorf("global %s is missing: %w", name, err)
		}
		*dst = v
	}
	proto, err := rt.object.Get("prototype")
	if err != nil {
		return nil, err
	}
	rt.objectPrototype = proto
	return rt, nil
}

// funcs owns page-lifetime Funcs (kind (a) of house rule 3): the methods of a bridge object, released together
// by Close.
type funcs struct {
	mu   sync.Mutex
	list []safejs.Func
}

// add creates a Func that recovers from panics (reported through onPanic) and keeps it for release.
func (f *funcs) add(fn func(this safejs.Value, args []safejs.Value) any, onPanic func(any)) (safejs.Func, error) {
	g, err := safejs.FuncOf(guard(fn, onPanic))
	if err != nil {
		return g, err
	}
	f.mu.Lock()
	f.list = append(f.list, g)
	f.mu.Unlock()
	return g, nil
}

// install adds each method to obj as a Func that f owns.
func (f *funcs) install(obj safejs.Value, methods map[string]func(safejs.Value, []safejs.Value) any, onPanic func(any)) error {
	for name, fn := range methods {
		g, err := f.add(fn, onPanic)
		if err != nil {
			return err
		}
		if err := obj.Set(name, g); err != nil {
			return err
		}
	}
	return nil
}

func (f *funcs) releaseAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range f.list {
		g.Release()
	}
	f.list = nil
}

// guard wraps a JS-facing function so that a panic becomes a report and an undefined result, never the end of
// the Go runtime ("Go program has already exited").
//
// Not inlined: inlined, each of its callers gets its own copy of the wrapper and its deferred recover (6.5 KB
// of the module, 1.4 KB brotli); it runs once per function made, not per call.
//
//go:noinline
func guard(fn func(this safejs.Value, args []safejs.Value) any, onPanic func(any)) func(safejs.Value, []safejs.Value) any {
	return func(this safejs.Value, args []safejs.Value) (result any) {
		defer func() {
			if p := recover(); p != nil {
				onPanic(p)
				result = nil
			}
		}()
		return fn(this, args)
	}
}

// settle resolves d with v, or rejects it with a JavaScript Error built from err.
func (rt *jsRuntime) settle(d deferred, v any, err error) {
	if err != nil {
		_, _ = d.reject.Invoke(rt.newError(err))
		return
	}
	_, _ = d.resolve.Invoke(v)
}

// newPromise returns a Promise settled by work, which runs on its own goroutine: resolved with its value, or
// rejected with a JavaScript Error built by newError.
func (rt *jsRuntime) newPromise(work func() (any, error), onPanic func(any)) (safejs.Value, error) {
	d, err := rt.fast.deferred()
	if err != nil {
		return safejs.Value{}, err
	}
	go func() {
		defer func() {
			if p := recover(); p != nil {
				onPanic(p)
				rt.settle(d, nil, &core.Error{Type: core.ErrorTypeInternal, Code: fmt.Sprint(p),
					Message: "ctibridge failed internally.", Cause: core.CauseInternal})
			}
		}()
		v, err := work()
		rt.settle(d, v, err)
	}()
	return d.promise, nil
}

// newError builds the JavaScript Error a Promise rejects with: message, plus the errorFields of a *core.Error
// (the vendor's error envelope fields, and reason, the Cause). The Cause is .reason, not .cause: ES2022 gives
// Error.cause to chained errors, and DevTools and error trackers read it as one.
func (rt *jsRuntime) newError(err error) safejs.Value {
	e, ok := errors.AsType[*core.Error](err)
	if !ok {
		e = &core.Error{Type: core.ErrorTypeInternal, Code: err.Error(), Message: err.Error(), Cause: core.CauseInternal}
	}
	v, jsErr := rt.errorC.New(e.Message)
	if jsErr != nil {
		return safejs.Null()
	}
	for _, f := range errorFields(e) {
		_ = v.Set(f[0], f[1])
	}
	return v
}

// errorFields are the properties of a bridge's Error besides its message.
func errorFields(e *core.Error) [3][2]string {
	return [3][2]string{{"type", e.Type}, {"code", e.Code}, {"reason", string(e.Cause)}}
}

// appendErrorJSON appends e as a JSON object of its message and errorFields, which the loader turns into the
// same Error as newError (a closed bridge's, in web/ctibridge.js).
func appendErrorJSON(b []byte, e *core.Error) []byte {
	b = strconv.AppendQuote(append(b, `{"message":`...), e.Message)
	for _, f := range errorFields(e) {
		b = strconv.AppendQuote(append(strconv.AppendQuote(append(b, ','), f[0]), ':'), f[1])
	}
	return append(b, '}')
}

// getGuarded reads v[name] where the read itself may throw: a getter that refuses (window.localStorage in a
// frame without storage) or a cross-origin window. Value.Get must not be used there: syscall/js's valueGet has
// no try/catch, so the exception would unwind through the Go stack and corrupt the runtime. Reflect.get through
// Value.Call is caught and comes back as an error.
func (rt *jsRuntime) getGuarded(v safejs.Value, name string) (safejs.Value, error) {
	return rt.reflect.Call("get", v, name)
}

// now is the wall clock in milliseconds since the epoch, for the flight recorder (core reads no clock).
func now() int64 { return time.Now().UnixMilli() }

// parseOrNull is parseJSON for a method's return value: null if the JSON cannot be parsed.
func (rt *jsRuntime) parseOrNull(b []byte) any {
	v, err := rt.parseJSON(b)
	if err != nil {
		return safejs.Null()
	}
	return v
}

// parseJSON turns a JSON string from core into a JavaScript value.
func (rt *jsRuntime) parseJSON(b []byte) (safejs.Value, error) {
	return rt.json.Call("parse", string(b))
}

// warn writes to the console; it never includes phone numbers (callers pass diagnostics and errors only).
func (rt *jsRuntime) warn(args ...any) { _, _ = rt.console.Call("warn", args...) }

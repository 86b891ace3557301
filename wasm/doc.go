//go:build js && wasm

// Package wasm adapts ctibridge's core to the browser. Go touches JavaScript through github.com/hack-pad/safejs
// only.
//
// Register installs the boot API that web/ctibridge.js calls: create(options) returns a Promise of a CRM or a
// softphone bridge object, whose methods are thin: they convert JavaScript values to core values and back,
// and schedule work. Every decision (origins, envelopes, ButtonStates, request lifecycle) is core's.
//
// The per-message work takes the fast path (fastpath.go): JavaScript calls functions this module exports,
// with the bytes of a message or a Streams snapshot already in its memory, and runs the callbacks and posts Go
// answers with once Go has returned. That is ten times cheaper than a call through syscall/js, and Go still
// decides everything; the loader's half (fastPath in web/ctibridge.js) only copies bytes and calls.
//
// Rules this package keeps (house style 2-5): every JavaScript touch returns an error; every Func has one
// owner and one release point; no callback waits (long work runs on a goroutine behind a Promise); every
// JS→Go entry point recovers from panics, so that the Go runtime never exits.
package wasm

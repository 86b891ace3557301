// Package core holds every rule of ctibridge that can be decided without a browser: the wire envelopes of the
// vendor's Answer Call page, the agent/contact/connection state model of Amazon Connect Streams, the
// ButtonStates table, typed errors, request correlation, and the two roles' state machines (Softphone and CRM).
//
// core never touches JavaScript: it does not import syscall/js or safejs, starts no goroutine that outlives a
// call, and reads no clock. The wasm package adapts it to the browser; tests drive it natively.
//
// Both roles are safe for concurrent use: Go's js/wasm runtime is single-threaded, but goroutines (request
// timeouts, Promise work) interleave with JavaScript callbacks, so every role guards its state with a mutex
// and never calls out (to a port or a callback) while holding it.
package core

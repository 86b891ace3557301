// Package core holds every rule of ctibridge that can be decided without a browser: the wire envelopes of the
// vendor's Answer Call page, the agent/contact/connection state model of Amazon Connect Streams, the
// ButtonStates table, typed errors, request correlation, the admission of every message a window receives
// (Gate), and the two roles' state machines (Softphone and CRM).
//
// core never touches JavaScript: it does not import syscall/js or safejs, starts no goroutine that outlives a
// call, and reads no clock. The wasm package adapts it to the browser; tests drive it natively.
//
// Both roles are safe for concurrent use: Go's js/wasm runtime is single-threaded, but goroutines (request
// timeouts, Promise work) interleave with JavaScript callbacks, so every role guards its state with a mutex.
// A role calls the StreamsPort only after releasing it, and runs no page callback at all: it returns
// Deliveries, which the adapter runs. The one call made under the lock is the Sender's, on purpose: an
// envelope is posted in the same critical section as the state change it reports, so that envelopes leave in
// the order of the changes and of their sequence numbers. That is why a Sender must neither block nor call back
// into the role.
package core

//go:build js && wasm

// Command ctibridge is the WebAssembly module web/ctibridge.js loads: it registers the boot API and keeps the Go
// runtime alive for the page's lifetime.
package main

import (
	"github.com/ctibridge/ctibridge/wasm"
)

func main() {
	if err := wasm.Register(); err != nil {
		println("ctibridge:", err.Error()) // the loader reports the exit that follows
		return
	}
	select {}
}

//go:build js && wasm

// Command _probe is web/ctibridge.wasm plus one hook for web/test/bench/bench.mjs: a global
// __ctibridgeProbe(gc) that returns the Go heap statistics (after runtime.GC() when gc is true). The product
// has no such hook (the issue asks for the live Go heap after 1,000 and 100,000 events), so the benchmark's
// memory phase loads this build; everything else it measures loads the production build. The directory name
// starts with "_" so that ./... (go vet, go test, make lint) leaves it alone.
package main

import (
	"runtime"
	"syscall/js"

	"github.com/ctibridge/ctibridge/wasm"
)

func main() {
	js.Global().Set("__ctibridgeProbe", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 && args[0].Truthy() {
			runtime.GC() // twice: the first GC queues js.Value finalizers, the second frees what they released
			runtime.GC()
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return map[string]any{
			"heapAlloc":   float64(m.HeapAlloc),
			"heapInuse":   float64(m.HeapInuse),
			"heapSys":     float64(m.HeapSys),
			"sys":         float64(m.Sys),
			"numGC":       float64(m.NumGC),
			"mallocs":     float64(m.Mallocs),
			"goroutines":  float64(runtime.NumGoroutine()),
			"stackInuse":  float64(m.StackInuse),
			"heapObjects": float64(m.HeapObjects),
		}
	}))
	if err := wasm.Register(); err != nil {
		println("ctibridge:", err.Error())
		return
	}
	select {}
}

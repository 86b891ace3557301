// Test hooks for the benchmark pages, installed before web/ctibridge.js runs, without changing it:
// - the Go instance of wasm_exec.js (to read the module's linear memory, go._inst.exports.mem, and the size of
//   its JavaScript value table): a setter on globalThis.Go wraps Go.prototype.run when wasm_exec.js defines it;
// - startup marks: WebAssembly.instantiateStreaming is replaced by compileStreaming + instantiate (what it does
//   in one step) so that compile and instantiate are timed apart, and go.run's start is marked.
// A page imports this module first.

export const probe = { go: null, marks: {} };

let GoClass;
Object.defineProperty(globalThis, "Go", {
  configurable: true,
  get: () => GoClass,
  set(cls) {
    GoClass = cls;
    const run = cls.prototype.run;
    cls.prototype.run = function (instance) {
      probe.go = this;
      probe.marks.runStart = performance.now();
      return run.call(this, instance);
    };
  },
});

const wasm = globalThis.WebAssembly;
wasm.instantiateStreaming = async function (source, imports) {
  probe.marks.instantiateCalled = performance.now();
  const module = await wasm.compileStreaming(source);
  probe.marks.compiled = performance.now();
  const instance = await wasm.instantiate(module, imports);
  probe.marks.instantiated = performance.now();
  return { module, instance };
};

/** Linear memory of the module and the JavaScript value table of wasm_exec.js (live = size − free slots). */
export function memory() {
  const go = probe.go;
  if (!go) return null;
  return {
    linear: go._inst.exports.mem.buffer.byteLength,
    values: go._values.length,
    liveValues: go._values.length - go._idPool.length,
    heap: typeof globalThis.__ctibridgeProbe === "function" ? globalThis.__ctibridgeProbe(true) : null,
  };
}

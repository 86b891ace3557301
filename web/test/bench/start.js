// The startup page: navigation → load({role: "crm"}) resolved, with the marks of hooks.js (compile,
// instantiate, go.run) and the resource timings of what the loader fetched.
import { probe } from "./hooks.js";
import { load } from "../../ctibridge.js";

const loadCalled = performance.now();
const bridge = await load({ role: "crm", softphone: window, softphoneOrigin: "http://127.0.0.2:9" });
const ready = performance.now();
const res = (suffix) => {
  const e = performance.getEntriesByType("resource").find((r) => r.name.endsWith(suffix));
  return e && { start: e.startTime, end: e.responseEnd, transfer: e.transferSize, body: e.encodedBodySize };
};
globalThis.__startup = {
  ready,
  loadCalled,
  ...probe.marks,
  wasm: res("/ctibridge.wasm"),
  wasmExec: res("/wasm_exec.js"),
  loader: res("/ctibridge.js"),
};
bridge.close();

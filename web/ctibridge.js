// ctibridge loader (ES module). It loads the Go WebAssembly module once per page and creates bridges:
//
//   import { load } from "./ctibridge.js";
//   const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example" });
//
// ctibridge.wasm and wasm_exec.js (from the same Go toolchain) are looked up next to this file unless
// wasmUrl / wasmExecUrl say otherwise. The Go runtime must never exit; if it does (a bug), every bridge is dead,
// so the loader says so loudly and later load() calls reject.

const here = new URL(".", import.meta.url);
let runtime; // Promise of the boot API {create(options)}, shared by every load() of this page

/**
 * Creates a bridge in the given role. See ctibridge.d.ts for every option and method.
 * @param {object} options
 * @returns {Promise<object>}
 */
export async function load(options = {}) {
  const api = await boot(options);
  return closable(await api.create(options));
}

/**
 * Checks what this page allows before any bridge exists: whether it may compile WebAssembly (a
 * Content-Security-Policy without 'wasm-unsafe-eval' forbids it). A bridge's own selfTest() checks the rest.
 * @returns {Promise<{ok: boolean, checks: {name: string, ok: boolean, detail: string}[]}>}
 */
export async function selfTest() {
  let check;
  try {
    // The smallest valid module: the magic number and version.
    await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    check = { name: "webassembly", ok: true, detail: "this page may compile WebAssembly" };
  } catch (err) {
    check = { name: "webassembly", ok: false, detail: "this page may not compile WebAssembly: add 'wasm-unsafe-eval' " +
      `to the Content-Security-Policy's script-src (${err.message || err})` };
  }
  return { ok: check.ok, checks: [check] };
}

// closable wraps a bridge so that it stays safe to call after close(): Go releases the bridge's functions
// when it closes, so from then on the wrapper answers itself, as a closed bridge does (request methods reject
// with their *_FAILED error and cause CLOSED; the others return null).
function closable(bridge) {
  let closed = false;
  const wrapper = { role: bridge.role };
  for (const name of Object.keys(bridge)) {
    const fn = bridge[name];
    if (typeof fn !== "function") continue;
    const failure = bridge.requestErrors?.[name];
    wrapper[name] = (...args) => {
      if (name === "close") {
        if (!closed) fn(...args);
        closed = true;
        return undefined;
      }
      if (!closed) return fn(...args);
      if (!failure) return null;
      const err = new Error(failure.message);
      Object.assign(err, { type: failure.type, code: "The bridge is closed.", cause: "CLOSED" });
      return Promise.reject(err);
    };
  }
  return Object.freeze(wrapper);
}

function boot({ wasmUrl = new URL("ctibridge.wasm", here), wasmExecUrl = new URL("wasm_exec.js", here) } = {}) {
  if (!runtime) {
    runtime = start(String(wasmUrl), String(wasmExecUrl)).catch((err) => {
      runtime = undefined; // a failed start (network, CSP) may be retried
      throw err;
    });
  }
  return runtime;
}

async function start(wasmUrl, wasmExecUrl) {
  if (typeof WebAssembly !== "object") {
    throw loadError("WebAssembly is not available in this browser.");
  }
  const response = fetch(wasmUrl); // started first, so that the download overlaps loading wasm_exec.js
  response.catch(() => {}); // a failure is reported by instantiate below
  if (typeof globalThis.Go !== "function") {
    await import(wasmExecUrl); // wasm_exec.js defines globalThis.Go
  }
  const go = new globalThis.Go();
  const registered = new Promise((resolve, reject) => {
    globalThis.__ctibridgeBoot = { resolve, reject };
  });
  let instance;
  try {
    instance = await instantiate(response, go.importObject);
  } catch (err) {
    delete globalThis.__ctibridgeBoot;
    if (/wasm-unsafe-eval|Content Security Policy|CompileError: .*disallowed/i.test(String(err))) {
      throw loadError("The page's Content-Security-Policy forbids WebAssembly: add 'wasm-unsafe-eval' to script-src.", err);
    }
    throw loadError(`Could not load ${wasmUrl}: ${err.message || err}`, err);
  }
  const exited = go.run(instance).then(() => {
    const err = loadError("The ctibridge Go runtime exited; every bridge on this page has stopped. Reload the page.");
    console.error(err);
    runtime = Promise.reject(err);
    runtime.catch(() => {});
    throw err;
  });
  return Promise.race([registered, exited]);
}

async function instantiate(pending, imports) {
  const response = await pending;
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }
  if (WebAssembly.instantiateStreaming && response.headers.get("Content-Type") === "application/wasm") {
    return (await WebAssembly.instantiateStreaming(response, imports)).instance;
  }
  // Servers that send another Content-Type: compile from the bytes.
  return (await WebAssembly.instantiate(await response.arrayBuffer(), imports)).instance;
}

function loadError(message, cause) {
  const err = new Error(message, cause ? { cause } : undefined);
  err.type = "LOAD_FAILED";
  err.code = message;
  return err;
}

// ctibridge loader (ES module). It loads the Go WebAssembly module once per page and creates bridges:
//
//   import { load } from "./ctibridge.js";
//   const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example" });
//
// ctibridge.wasm and wasm_exec.js (from the same Go toolchain) are looked up next to this file unless
// wasmUrl / wasmExecUrl say otherwise. The Go runtime must never exit; if it does (a bug), every bridge is dead,
// so the loader says so loudly and later load() calls reject.

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
// with the error Go gave for the method in closedErrors: its *_FAILED type and reason CLOSED; the others
// return null).
function closable(bridge) {
  let closed = false;
  const wrapper = { role: bridge.role };
  for (const name of Object.keys(bridge)) {
    const fn = bridge[name];
    if (typeof fn !== "function") continue;
    const failure = bridge.closedErrors?.[name];
    wrapper[name] = (...args) => {
      if (name === "close") {
        if (!closed) fn(...args);
        closed = true;
        return undefined;
      }
      if (!closed) return fn(...args);
      if (!failure) return null;
      const { message, ...fields } = failure;
      return Promise.reject(Object.assign(new Error(message), fields));
    };
  }
  return Object.freeze(wrapper);
}

function boot({ wasmUrl, wasmExecUrl } = {}) {
  if (!runtime) {
    const here = (file) => new URL(file, import.meta.url); // only when asked: a module from a Blob has no directory
    runtime = start(String(wasmUrl ?? here("ctibridge.wasm")), String(wasmExecUrl ?? here("wasm_exec.js"))).catch((err) => {
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
  // GOGC for the module. A bridge's live heap is about 100 KiB, so with Go's default (100) the heap grows to its
  // 4 MB floor before the first collection, and the page's memory with it; at 25 the floor is 1 MB and memory
  // levels off within the first thousand events, 2.5 MB lower (make bench; README, Performance).
  go.env = { ...go.env, GOGC: "25" };
  let instance;
  let refused; // why the module refused to start (wasm/register.go), which its exit must not hide
  const registered = new Promise((resolve, reject) => {
    const fail = (err) => {
      refused = loadError(`ctibridge.wasm could not start: ${err?.message ?? err}`, err);
      reject(refused);
    };
    globalThis.__ctibridgeBoot = { resolve, reject: fail, fastPath: (pump) => fastPath(instance.exports, pump) };
  });
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
    const err = refused ?? loadError("The ctibridge Go runtime exited; every bridge on this page has stopped. Reload the page.");
    if (!refused) console.error(err);
    runtime = Promise.reject(err);
    runtime.catch(() => {});
    throw err;
  });
  return Promise.race([registered, exited]);
}

// fastPath is the JavaScript half of the module's per-message work (the layer is wasm/fastpath.go, whose doc
// comment states its invariants). Calling a Go function through syscall/js costs about 8 µs and copying a
// string across about 5 µs per KB each way; a function exported from the module costs a tenth of a
// microsecond and reads its input where this code wrote it, in the module's memory. So a window "message"
// event and a Streams snapshot take this path: the code below only writes bytes and calls an export, and every
// decision (origins, types, sizes, state) is Go's. What Go answers, callbacks to call and envelopes to post,
// comes back as records in the module's memory (the format below), and runs here after Go has returned: a
// callback that calls the bridge again then finds Go idle, as with any other call.

// fast path format: begin (generated from wasm/format.go by make generate: do not edit)
const OP_EMIT = 1;
const OP_POST = 2;
const RECORD_OP = 0;
const RECORD_CHANNEL = 1;
const RECORD_NAME_LENGTH = 5;
const RECORD_NAME = 6;
const RESULT_PUMP = 1;
const RESULT_SHIFT = 1;
const KIND_STRING = 0;
const KIND_OBJECT = 1;
const KIND_TOO_LARGE = 2;
const KIND_NOT_PLAIN = 3;
const KIND_UNSERIALISABLE = 4;
const KIND_OTHER_TYPE = 5;
const OTHER_TYPES = ["undefined", "boolean", "number", "bigint", "symbol", "function", "null"];
// fast path format: end

function fastPath(exports, pump) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const channels = new Map(); // id → channel
  const inbox = exports.ctibridge_inbox();
  const originMax = exports.ctibridge_origin_max();
  const dataMax = exports.ctibridge_data_max();
  let bytes = new Uint8Array(exports.mem.buffer);
  const memory = () => {
    if (bytes.buffer !== exports.mem.buffer) bytes = new Uint8Array(exports.mem.buffer); // memory grew
    return bytes;
  };
  const write = (text, at, max) => encoder.encodeInto(text, memory().subarray(at, at + max));

  // pumpSoon lets goroutines an export made ready run (a request's timer goroutine ending, a Streams call's
  // timeout armed): pump is a Go function, and calling one runs them. It waits for the microtasks queued
  // before it, so that what a page awaits (a request's Promise, settled during the export) comes first.
  let pumpQueued = false;
  const pumpSoon = () => {
    if (pumpQueued) return;
    pumpQueued = true;
    queueMicrotask(() => {
      pumpQueued = false;
      pump();
    });
  };

  // finish runs a batch of records: result is its length in bytes, shifted by RESULT_SHIFT, with RESULT_PUMP
  // if goroutines are to run once the export has returned. The records are read before any runs: a callback
  // may call Go, which reuses the outbox. It returns false if a post did not go out.
  function finish(result) {
    let posted = true;
    const length = result >>> RESULT_SHIFT;
    if (length > 0) {
      const out = memory();
      const at = exports.ctibridge_outbox();
      const view = new DataView(out.buffer, at, length);
      const records = [];
      for (let i = 0; i < length;) {
        const nameEnd = i + RECORD_NAME + out[at + i + RECORD_NAME_LENGTH];
        const n = view.getUint32(nameEnd, true);
        records.push(out[at + i + RECORD_OP], view.getUint32(i + RECORD_CHANNEL, true),
          String.fromCharCode.apply(null, out.subarray(at + i + RECORD_NAME, at + nameEnd)), // names are ASCII
          decoder.decode(out.subarray(at + nameEnd + 4, at + nameEnd + 4 + n)));
        i = nameEnd + 4 + n;
      }
      for (let r = 0; r < records.length; r += 4) {
        const channel = channels.get(records[r + 1]);
        if (records[r] === OP_EMIT) channel?.emit(records[r + 2], records[r + 3]);
        else posted = (channel?.post(records[r + 3]) ?? false) && posted; // a closed channel posts nothing
      }
    }
    if (result & RESULT_PUMP) pumpSoon();
    return posted;
  }

  function classify(data) {
    if (typeof data === "string") return data.length > dataMax ? [KIND_TOO_LARGE] : [KIND_STRING, data];
    if (data === null) return [KIND_OTHER_TYPE + OTHER_TYPES.indexOf("null")];
    if (typeof data !== "object") return [KIND_OTHER_TYPE + OTHER_TYPES.indexOf(typeof data)];
    const proto = Object.getPrototypeOf(data);
    if (proto !== Object.prototype && proto !== null) return [KIND_NOT_PLAIN];
    let text;
    try {
      text = JSON.stringify(data);
    } catch {
      return [KIND_UNSERIALISABLE];
    }
    return text.length > dataMax ? [KIND_TOO_LARGE] : [KIND_OBJECT, text];
  }

  return {
    /** Runs the records Go made outside any export, at once; false if a post did not go out. */
    flush: finish,

    /** A Promise and its resolve and reject functions, which Go calls when a request ends. */
    deferred() {
      let resolve, reject;
      const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },

    /** The channel of bridge id: its callbacks, its peer, its message listener and its Streams feed. */
    channel(id) {
      const callbacks = new Map(); // name → functions
      let peer = null; // the peer window, unless
      let frame = null; // an iframe element was given: its window of the moment (a moved frame gets a new one)
      let origins = [];
      const peerWindow = () => (frame ? frame.contentWindow : peer);
      const stops = [];
      const channel = {
        on(name, fn) {
          if (typeof name !== "string" || typeof fn !== "function") {
            console.warn("ctibridge: on(name, callback) needs an event name and a function");
            return null;
          }
          const list = callbacks.get(name) || [];
          callbacks.set(name, [...list, fn]);
          let subscribed = true;
          return () => {
            if (!subscribed) return;
            subscribed = false;
            callbacks.set(name, (callbacks.get(name) || []).filter((f) => f !== fn));
          };
        },
        count() {
          let n = 0;
          for (const list of callbacks.values()) n += list.length;
          return n;
        },
        emit(name, json) {
          const list = callbacks.get(name);
          if (!list || list.length === 0) return;
          let value;
          try {
            value = JSON.parse(json);
          } catch (err) {
            console.warn(`ctibridge: a ${name} payload is not JSON:`, String(err));
            return;
          }
          for (const fn of list) {
            try {
              fn(value);
            } catch (err) {
              console.warn(`ctibridge: a ${name} callback threw:`, String(err));
            }
          }
        },
        /** Posts go to win (or to element's window, when given), naming each of these exact origins. */
        peer(win, element, targets) {
          peer = win;
          frame = element || null;
          origins = targets;
        },
        /** Whether text went out: not when the peer window is gone (an iframe removed from the page). */
        post(text) {
          const win = peerWindow();
          if (!win || win.closed) return false;
          let posted = false;
          for (const origin of origins) {
            try {
              win.postMessage(text, origin);
              posted = true;
            } catch (err) {
              console.warn("ctibridge: posting failed:", String(err));
            }
          }
          return posted;
        },
        /** Hands every "message" event of win to Go, with whether it came from the peer window. */
        listen(win) {
          const listener = (event) => {
            const fromPeer = event.source !== null && event.source === peerWindow() ? 1 : 0;
            const o = write(String(event.origin), inbox, originMax).written;
            if (!exports.ctibridge_wants(id, fromPeer, o)) return; // traffic Go leaves alone: not even read
            const [kind, text] = classify(event.data);
            let n = 0;
            let k = kind;
            if (text !== undefined) {
              const { read, written } = write(text, inbox + originMax, dataMax);
              if (read < text.length) k = KIND_TOO_LARGE; // over the limit in UTF-8
              else n = written;
            }
            finish(exports.ctibridge_message(id, k, fromPeer, o, n));
          };
          win.addEventListener("message", listener);
          stops.push(() => win.removeEventListener("message", listener));
        },
        /**
         * Hands Go the agent's snapshot and configuration (JSON, keys only) after every Streams REFRESH, and
         * once now. The configuration goes where an origin goes, which a snapshot does not use.
         */
        feed(core, event, keys, configKeys) {
          let provider = null;
          const refresh = () => {
            let text;
            let config = "";
            try {
              provider ||= core.getAgentDataProvider();
              const data = provider.getAgentData(); // throws "No agent data is available yet!" before the first
              if (data === null || typeof data !== "object" || data.snapshot === null || typeof data.snapshot !== "object") return;
              text = JSON.stringify(data.snapshot, keys);
              if (data.configuration !== null && typeof data.configuration === "object") config = JSON.stringify(data.configuration, configKeys);
            } catch {
              return;
            }
            const c = config === "" ? { read: 0, written: 0 } : write(config, inbox, originMax);
            const { read, written } = write(text, inbox + originMax, dataMax);
            finish(exports.ctibridge_snapshot(id, read < text.length ? -1 : written, c.read < config.length ? -1 : c.written));
          };
          const sub = core.getEventBus().subscribe(event, refresh);
          stops.push(() => sub.unsubscribe());
          refresh();
        },
        close() {
          for (const stop of stops.splice(0)) stop();
          callbacks.clear();
          channels.delete(id);
        },
      };
      channels.set(id, channel);
      return channel;
    },
  };
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

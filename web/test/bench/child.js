// The softphone frame of the benchmark (child.html?parent=<CRM origin>[&wasm=<url>]). It hosts one of three
// softphones at a time, on a fake `connect` (fakeconnect.js):
//   raw — a "message" listener that posts the prebuilt vendor sample back (the transport floor); raw2 posts
//         an AgentStateChange and then the sample, the two envelopes a bridge posts when a call is answered
//   go  — ctibridge's softphone role (load({role: "softphone", initCCP: false, connect: fake}))
//   js  — the hand-written bridge (jsbridge.js)
// The runner drives it with Playwright (globalThis.bench) between measurements, and the CRM page drives it
// over a MessagePort during them (so that no control message is a window "message" event a bridge would see).
import { memory } from "./hooks.js";
import { load } from "../../ctibridge.js";
import { JsSoftphone } from "./jsbridge.js";
import { fakeConnect, stamped } from "./fakeconnect.js";

const params = new URLSearchParams(location.search);
const parentOrigin = params.get("parent");
const wasmUrl = params.get("wasm") || undefined;

let templates; // {ringing, connected, held}: Streams snapshots captured by the runner
let sample; // the vendor sample response, minified
let current = null; // {mode, fake, bridge, listener}
let clock = Date.UTC(2021, 0, 1, 9, 0, 0); // state timestamps: every new one is later than all before
let agentMs = 0; // the agent leg's current state timestamp
let customer = "connected"; // the customer leg's current state
let prepared = []; // snapshots (or strings, raw) for the next cpu() or burst
let port = null;

function connectedSnapshot() {
  customer = "connected";
  return stamped(templates.connected, agentMs, ++clock);
}

function onPort(e) {
  const { cmd } = e.data;
  if (cmd === "arm") {
    // The contact rings again (agent leg connecting) and the next accept connects it.
    agentMs = ++clock;
    current.fake.push(stamped(templates.ringing, agentMs));
    agentMs = ++clock;
    current.fake.acceptSnapshot = stamped(templates.connected, agentMs);
  } else if (cmd === "burst") {
    const sendMs = run();
    port.postMessage({ cmd: "burst-done", sendMs });
  }
}

// run pushes every prepared snapshot (raw: posts every prepared string) in one synchronous loop.
function run() {
  const list = prepared;
  prepared = [];
  const t0 = performance.now();
  if (current.mode === "raw") {
    for (const s of list) parent.postMessage(s, parentOrigin);
  } else {
    const fake = current.fake;
    for (const s of list) fake.push(s);
  }
  return performance.now() - t0;
}

addEventListener("message", function takePort(e) {
  if (e.origin === parentOrigin && e.data === "bench-port" && e.ports[0]) {
    removeEventListener("message", takePort);
    port = e.ports[0];
    port.onmessage = onPort;
  }
});

// A window stand-in whose parent records what it is sent: a softphone role given {window: capture.win} posts
// into capture.sent instead of to the CRM.
function captureWindow() {
  const sent = [];
  const win = {
    parent: { postMessage: (data) => sent.push(data) },
    addEventListener() {},
    removeEventListener() {},
  };
  return { win, sent };
}

async function softphone(mode, fake, win) {
  if (mode === "go") {
    return load({ role: "softphone", crmOrigins: [parentOrigin], initCCP: false, connect: fake, wasmUrl, ...(win ? { window: win } : {}) });
  }
  return new JsSoftphone({ connect: fake, crmOrigin: parentOrigin, ...(win ? { win } : {}) });
}

globalThis.bench = {
  isolated: () => globalThis.crossOriginIsolated === true,

  init(data) {
    templates = { ringing: JSON.parse(data.ringing), connected: JSON.parse(data.connected), held: JSON.parse(data.held) };
    sample = data.sample;
    agentMs = ++clock;
  },

  /** The Go and the JS softphone on one fake connect, each posting into a recorder: their envelopes must match. */
  async compare() {
    const fake = fakeConnect();
    const go = captureWindow();
    const js = captureWindow();
    const bridges = [await softphone("go", fake, go.win), await softphone("js", fake, js.win)];
    const a = ++clock;
    const steps = [stamped(templates.ringing, a), stamped(templates.connected, ++clock), stamped(templates.held, clock, ++clock),
      stamped(templates.connected, clock - 1, ++clock)];
    for (const s of steps) fake.push(s);
    for (const b of bridges) b.close();
    const strip = (s) => {
      const env = JSON.parse(s);
      delete env.epoch;
      return JSON.stringify(env);
    };
    const goOut = go.sent.map(strip);
    const jsOut = js.sent.map(strip);
    const diffs = [];
    for (let i = 0; i < Math.max(goOut.length, jsOut.length); i++) {
      if (goOut[i] !== jsOut[i]) diffs.push({ i, go: goOut[i], js: jsOut[i] });
    }
    return { go: goOut.length, js: jsOut.length, diffs, eventBytes: go.sent.at(-1)?.length };
  },

  /** Starts a softphone of the given mode in the connected state of the captured contact. */
  async attach(mode) {
    if (current) throw new Error(`attach(${mode}): ${current.mode} is attached`);
    if (mode === "raw" || mode === "raw2") {
      // raw2 answers with what a bridge posts when a call is answered: the agent's state, then the call event.
      const agent = JSON.stringify({ channel: "Amazon", topic: "Agent", subtopic: "AgentStateChange",
        message: { source: "event", agent: { label: "Busy", code: "Busy", type: "System" } }, epoch: "raw", seq: 1, v: 1 });
      const listener = mode === "raw"
        ? (e) => {
          if (e.origin === parentOrigin && typeof e.data === "string") parent.postMessage(sample, parentOrigin);
        }
        : (e) => {
          if (e.origin !== parentOrigin || typeof e.data !== "string") return;
          parent.postMessage(agent, parentOrigin);
          parent.postMessage(sample, parentOrigin);
        };
      addEventListener("message", listener);
      current = { mode, listener };
      return;
    }
    const fake = fakeConnect();
    agentMs = ++clock;
    fake.push(connectedSnapshot());
    current = { mode, fake, bridge: await softphone(mode, fake) };
  },

  detach() {
    if (!current) return;
    if (current.listener) removeEventListener("message", current.listener);
    current.bridge?.close();
    current = null;
    prepared = [];
  },

  /**
   * Prepares n events for cpu() or the next burst: the customer's leg going on hold and back, one state
   * change per snapshot, each 1 ms after the last; raw: n strings "seq|sample".
   */
  prepare(n) {
    if (current.mode === "raw") {
      prepared = Array.from({ length: n }, (_, i) => `${i}|${sample}`);
      return;
    }
    prepared = [];
    for (let i = 0; i < n; i++) {
      customer = customer === "connected" ? "hold" : "connected";
      prepared.push(stamped(customer === "hold" ? templates.held : templates.connected, agentMs, ++clock));
    }
  },

  /** Runs the prepared events in one loop; returns ms. raw: posts the prepared strings. */
  cpu: () => run(),

  /** The same loop with a recorder for a parent: the bridge's work without postMessage. */
  async respondCpu(mode, n) {
    const fake = fakeConnect();
    const cap = captureWindow();
    fake.push(connectedSnapshot());
    const b = await softphone(mode, fake, cap.win);
    let list = [];
    for (let i = 0; i < n; i++) {
      customer = customer === "connected" ? "hold" : "connected";
      list.push(stamped(customer === "hold" ? templates.held : templates.connected, agentMs, ++clock));
    }
    const before = cap.sent.length;
    const t0 = performance.now();
    for (const s of list) fake.push(s);
    const ms = performance.now() - t0;
    b.close();
    list = null;
    if (cap.sent.length - before !== n) throw new Error(`${mode}: ${cap.sent.length - before} envelopes for ${n} snapshots`);
    return ms;
  },

  /** ms of n postMessage calls of the vendor sample to the CRM (the raw cost of posting one event). */
  rawPostCpu(n) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) parent.postMessage(sample, parentOrigin);
    return performance.now() - t0;
  },

  memory,
};

// The CRM page of the benchmark (crm.html[?wasm=<url>]). It embeds softphone frames (child.html) and hosts one
// of three CRMs at a time against one of them: raw (a "message" listener), go (ctibridge's crm role), js (the
// hand-written bridge). Every timed loop runs here, in the page; the runner (bench.mjs) only starts them and
// collects the figures.
import { memory } from "./hooks.js";
import { load } from "../../ctibridge.js";
import { JsCRM, JsSoftphone } from "./jsbridge.js";
import { eventTime, fakeConnect, stamped } from "./fakeconnect.js";

const params = new URLSearchParams(location.search);
const wasmUrl = params.get("wasm") || undefined;
const REQUEST = JSON.stringify({ channel: "Amazon", topic: "InboundCall", subtopic: "Answer", source: "myapp" });

const frames = new Map(); // name → {iframe, win, origin, port}
let templates;
let current = null; // {mode, frame, bridge?, listener?}
let onReply = null; // raw: the next reply
let onRinging = null; // go/js: the next event in which the agent's leg rings
let onEvent = null; // burst: every call event
let portReply = null;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function dispatchCall(message) {
  const actual = message.call.ResponseActual;
  if (onRinging && actual.type === "agent" && actual.status === "connecting") {
    const r = onRinging;
    onRinging = null;
    r();
  }
  if (onEvent) onEvent(message);
}

globalThis.bench = {
  isolated: () => globalThis.crossOriginIsolated === true,

  init(data) {
    templates = { ringing: JSON.parse(data.ringing), connected: JSON.parse(data.connected), held: JSON.parse(data.held) };
  },

  /** Adds a softphone frame and hands it a MessagePort for control during timed loops. */
  async addFrame(name, url) {
    const iframe = document.createElement("iframe");
    iframe.allow = "cross-origin-isolated";
    iframe.src = url;
    const loaded = new Promise((r) => iframe.addEventListener("load", r, { once: true }));
    document.body.append(iframe);
    await loaded;
    const origin = new URL(url).origin;
    frames.set(name, { iframe, win: iframe.contentWindow, origin });
  },

  /** Sends the control port (after the frame's module has run: the runner checks it is listening). */
  connectPort(name) {
    const f = frames.get(name);
    const channel = new MessageChannel();
    f.port = channel.port1;
    f.port.onmessage = (e) => portReply?.(e.data);
    f.win.postMessage("bench-port", f.origin, [channel.port2]);
  },

  async attach(name, mode) {
    if (current) throw new Error(`attach: ${current.mode} is attached`);
    const frame = frames.get(name);
    current = { mode, frame };
    if (mode === "raw" || mode === "raw2") {
      current.listener = (e) => {
        if (e.origin === frame.origin && e.source === frame.win) onReply?.(e.data);
      };
      addEventListener("message", current.listener);
      return;
    }
    current.bridge = mode === "go"
      ? await load({ role: "crm", softphone: frame.iframe, softphoneOrigin: frame.origin, source: "myapp", wasmUrl })
      : new JsCRM({ softphone: frame.iframe, softphoneOrigin: frame.origin, source: "myapp" });
    current.bridge.on("InboundCallStateChange", dispatchCall);
    await sleep(300); // the handshake (Hello, Snapshot) settles
  },

  detach() {
    if (!current) return;
    if (current.listener) removeEventListener("message", current.listener);
    current.bridge?.close();
    current = null;
  },

  /**
   * n timed round trips after warm warm-up ones, in µs.
   * raw: post the 79 B request; the frame's listener posts the 1,318 B vendor sample back (raw2: an
   * AgentStateChange, then the sample; timed to the second).
   * go/js: the bridge's answerCall(): request → softphone role → (fake) Streams accept → connected snapshot →
   * AgentStateChange + InboundCallStateChange envelopes → CRM role → promise resolved with the event's message.
   * Before each go/js trip (untimed), the frame makes the contact ring again and the CRM sees it.
   */
  async roundTrips(n, warm) {
    const { mode, frame } = current;
    const out = [];
    for (let i = 0; i < warm + n; i++) {
      let us;
      if (mode === "raw" || mode === "raw2") {
        let replies = mode === "raw" ? 1 : 2;
        const reply = new Promise((r) => (onReply = () => --replies === 0 && r()));
        const t0 = performance.now();
        frame.win.postMessage(REQUEST, frame.origin);
        await reply;
        us = (performance.now() - t0) * 1000;
        onReply = null;
      } else {
        const ringing = new Promise((r) => (onRinging = r));
        frame.port.postMessage({ cmd: "arm" });
        await ringing;
        const t0 = performance.now();
        const message = await current.bridge.answerCall();
        us = (performance.now() - t0) * 1000;
        if (message.call.ResponseActual.status !== "connected") throw new Error("answerCall resolved before connected");
      }
      if (i >= warm) out.push(us);
    }
    return out;
  },

  /**
   * A burst of n events softphone → CRM callback: the frame pushes n prepared snapshots in one loop (raw: posts
   * n "seq|sample" strings); timed from the start command to the n-th callback; every event checked in order.
   */
  async burst(n) {
    const { mode, frame } = current;
    let count = 0;
    let inOrder = true;
    let last = -Infinity;
    let t1 = 0;
    const done = new Promise((resolve) => {
      const seen = (key) => {
        if (!(key > last)) inOrder = false;
        last = key;
        if (++count === n) {
          t1 = performance.now();
          resolve();
        }
      };
      if (mode === "raw") onReply = (data) => seen(Number(data.slice(0, data.indexOf("|"))));
      else onEvent = (message) => seen(eventTime(message));
    });
    const sent = new Promise((r) => (portReply = r));
    const t0 = performance.now();
    frame.port.postMessage({ cmd: "burst" });
    const { sendMs } = await sent;
    const timeout = sleep(60000).then(() => "timeout");
    if ((await Promise.race([done, timeout])) === "timeout") throw new Error(`burst ${mode}: ${count} of ${n} events in 60 s`);
    onReply = onEvent = portReply = null;
    await sleep(20); // nothing may follow
    return { ms: t1 - t0, sendMs, count, inOrder: inOrder && count === n };
  },

  /**
   * CRM CPU per event: n call envelopes (a real softphone's sequence, written by the JS softphone, which
   * writes what the Go one writes) dispatched as MessageEvents from the frame's origin and window, one after
   * the other in one loop; each goes through the bridge's listener to the page's callback. Returns ms for
   * the n events, and for the same dispatch loop with a no-op listener instead of the bridge.
   */
  async crmCpu(name, mode, n) {
    const frame = frames.get(name);
    const feed = envelopes(n);
    let calls = 0;
    const bridge = mode === "go"
      ? await load({ role: "crm", softphone: frame.iframe, softphoneOrigin: frame.origin, source: "myapp", wasmUrl })
      : new JsCRM({ softphone: frame.iframe, softphoneOrigin: frame.origin, source: "myapp" });
    bridge.on("InboundCallStateChange", () => calls++);
    const events = feed.map((data) => new MessageEvent("message", { data, origin: frame.origin, source: frame.win }));
    const prefix = events.length - n;
    for (let i = 0; i < prefix; i++) dispatchEvent(events[i]);
    const before = calls;
    const t0 = performance.now();
    for (let i = prefix; i < events.length; i++) dispatchEvent(events[i]);
    const ms = performance.now() - t0;
    bridge.close();
    if (calls - before !== n) throw new Error(`crmCpu ${mode}: ${calls - before} callbacks for ${n} events`);
    // The floor: the same events to a listener that does nothing.
    const noop = () => {};
    addEventListener("message", noop);
    const fresh = feed.slice(prefix).map((data) => new MessageEvent("message", { data, origin: frame.origin, source: frame.win }));
    const b0 = performance.now();
    for (const e of fresh) dispatchEvent(e);
    const baseMs = performance.now() - b0;
    removeEventListener("message", noop);
    return { ms, baseMs };
  },

  memory,
};

// envelopes returns what a softphone posts for the captured connected call, then n changes of the customer's
// leg (hold, back, ...), one millisecond apart: a prefix (Hello, agent state, one event per leg) and n events.
function envelopes(n) {
  const sent = [];
  const win = { parent: { postMessage: (s) => sent.push(s) }, addEventListener() {}, removeEventListener() {} };
  const fake = fakeConnect();
  let clock = Date.UTC(2022, 0, 1);
  const agentMs = ++clock;
  fake.push(stamped(templates.connected, agentMs, ++clock));
  const phone = new JsSoftphone({ connect: fake, crmOrigin: "http://unused.invalid", win });
  for (let i = 0; i < n; i++) fake.push(stamped(i % 2 === 0 ? templates.held : templates.connected, agentMs, ++clock));
  phone.close();
  return sent;
}

// A small hand-written JavaScript bridge: what a contact-centre developer would write instead of ctibridge, and
// the yardstick of web/test/bench/bench.mjs. It does the same job as the Go bridge on the paths the benchmark
// drives, and writes byte-identical envelopes (the runner checks this before measuring):
//
//   softphone: Streams agent snapshot (the same EventBus REFRESH the Go bridge listens to) → diff against the
//              last one → 11-button table → build the vendor's call object → JSON.stringify → parent.postMessage
//   CRM:       message event → origin and source checks → JSON.parse → route → page callbacks; answerCall()
//              resolves on the event in which the agent's leg became connected
//
// It is not a product: no de-duplication of requests, no resynchronisation after a gap, no drift check, only
// the Answer control. Those are what ctibridge adds; the benchmark prices them.

export const BUTTONS = Object.freeze(["answer", "reject", "disconnect", "hold", "resume", "clearContact", "consult",
  "numberpad", "swap", "transfer", "conference"]);
const [ANSWER, REJECT, DISCONNECT, HOLD, RESUME, CLEAR, CONSULT, NUMBERPAD, SWAP, TRANSFER, CONFERENCE] = BUTTONS.keys();
const HIDE = "Hide";
const DISABLE = "Disable";
const ENABLE = "Enable";

const isAgentLeg = (c) => c.type === "agent" || c.type === "monitoring";
const isLive = (c) => c.state === "connecting" || c.state === "connected" || c.state === "hold";

/** The 11-button table of core/buttons.go (Decide), for the event that reports conns[subject]. */
export function decide(conns, subject) {
  const s = new Array(11).fill(HIDE);
  const leg = conns[subject];
  if (!leg) return s;
  if (isAgentLeg(leg)) {
    switch (leg.state) {
      case "connecting":
        s[ANSWER] = s[REJECT] = ENABLE;
        break;
      case "connected": {
        s[NUMBERPAD] = ENABLE;
        let third = 0;
        let seenCustomer = false;
        for (const c of conns) {
          if (isAgentLeg(c)) continue;
          if (!seenCustomer) seenCustomer = true;
          else if (isLive(c)) third++;
        }
        s[CONSULT] = third > 0 ? DISABLE : ENABLE;
        break;
      }
      case "hold":
        s[CONSULT] = s[NUMBERPAD] = DISABLE;
        break;
      case "disconnected":
        s[CLEAR] = ENABLE;
        break;
    }
    return s;
  }
  const agent = conns.find(isAgentLeg);
  if (!agent || (agent.state !== "connected" && agent.state !== "hold")) return s;
  switch (leg.state) {
    case "connected":
      s[HOLD] = s[DISCONNECT] = ENABLE;
      break;
    case "hold":
      s[RESUME] = s[DISCONNECT] = ENABLE;
      break;
    case "connecting":
      s[DISCONNECT] = ENABLE;
      break;
    default:
      return s;
  }
  let live = 0;
  let connected = 0;
  let held = 0;
  let dialling = 0;
  for (const c of conns) {
    if (isAgentLeg(c) || !isLive(c)) continue;
    live++;
    if (c.state === "connected") connected++;
    else if (c.state === "hold") held++;
    else dialling++;
  }
  if (live < 2) return s;
  if (dialling > 0) {
    s[SWAP] = s[TRANSFER] = s[CONFERENCE] = DISABLE;
  } else if (held === 0) {
    s[TRANSFER] = ENABLE;
  } else {
    s[TRANSFER] = s[CONFERENCE] = ENABLE;
    if (connected === 1 && held === 1) s[SWAP] = ENABLE;
  }
  return s;
}

/** message.call of an InboundCallStateChange, field for field as the vendor sample (core/event.go). */
export function callEvent(contact, subject, previous) {
  const conn = contact.connections[subject];
  const states = decide(contact.connections, subject);
  const items = {};
  const flags = {};
  for (let b = 0; b < 11; b++) {
    items[BUTTONS[b]] = states[b];
    flags[BUTTONS[b]] = states[b] === ENABLE;
  }
  const participants = [];
  let seenCustomer = false;
  for (const c of contact.connections) {
    if (isAgentLeg(c)) continue;
    if (!seenCustomer) {
      seenCustomer = true;
      continue;
    }
    participants.push({ connectionId: c.id, type: c.type, status: c.state, phoneNumber: c.phoneNumber || null });
  }
  return {
    ButtonStates: { items, count: 11 },
    ActionsAllowed: null,
    ResponseType: 0,
    ResponseText: "Success",
    ResponseActual: {
      connectionId: conn.id,
      contactId: contact.id,
      phoneNumber: conn.phoneNumber || null,
      status: conn.state,
      statusTimestamp: conn.since,
      type: conn.type,
      buttonStates: flags,
      previousStatus: previous,
    },
    CallVariables: { ANI: contact.ani || null, DNIS: contact.dnis || null },
    ExtendedCallVariables: null,
    ResponseFields: {
      Participants: participants,
      MediaProperties: { callType: conn.type, queueName: contact.queueName, queueTimestamp: contact.queueTimestamp },
      fromAddress: null,
      CallState: conn.state,
      Type: conn.type,
      CurrentStateTime: conn.since,
      Campaign: "",
      DN: contact.queueName,
    },
    id: conn.id,
    event: conn.state,
    CallType: conn.type,
  };
}

const iso = (t) => (t == null ? null : typeof t === "string" ? t : new Date(t).toISOString());

/** "sip:+15555550100@host" → "+15555550100", as core.E164. */
export function e164(n) {
  let s = String(n).trim();
  const m = /^(sips?|tel):/i.exec(s);
  if (m && s.length > m[0].length) s = s.slice(m[0].length);
  const at = s.indexOf("@");
  if (at >= 0) s = s.slice(0, at);
  const semi = s.indexOf(";");
  return semi >= 0 ? s.slice(0, semi) : s;
}

/** The voice contact of a Streams agent snapshot in the bridge's model, or null (core.StreamsContact.Contact). */
export function contactOf(snapshot) {
  const sc = (snapshot.contacts || []).find((c) => c.type === "voice" || c.type === "queue_callback");
  if (!sc) return null;
  const contact = {
    id: sc.contactId,
    queueName: sc.queue?.name ?? "",
    queueTimestamp: iso(sc.queueTimestamp),
    ani: "",
    dnis: "",
    connections: [],
  };
  for (const c of sc.connections || []) {
    const phone = c.endpoint?.phoneNumber ? e164(c.endpoint.phoneNumber) : "";
    if (c.initial && !contact.ani) contact.ani = phone;
    contact.connections.push({ id: c.connectionId, type: c.type, state: c.state.type, since: iso(c.state.timestamp), phoneNumber: phone });
  }
  if (sc.customerEndpoint?.phoneNumber) contact.ani = e164(sc.customerEndpoint.phoneNumber);
  if (sc.connectSystemEndpoint?.phoneNumber) contact.dnis = e164(sc.connectSystemEndpoint.phoneNumber);
  else if (sc.attributes?.DNIS?.value != null) contact.dnis = e164(sc.attributes.DNIS.value);
  return contact;
}

const AGENT_TYPES = { routable: "Routable", not_routable: "Not Routable", offline: "Offline", system: "System", error: "Error" };

/** The softphone side, on a connect object (amazon-connect-streams, or a fake with the same shape). */
export class JsSoftphone {
  constructor({ connect, crmOrigin, win = window }) {
    this.connect = connect;
    this.win = win;
    this.parent = win.parent;
    this.crmOrigin = crmOrigin;
    this.epoch = Math.random().toString(36).slice(2);
    this.seq = 0;
    this.agent = null;
    this.contact = null;
    this.answers = new Map(); // contactId → requestId of a pending Answer
    this.provider = connect.core.getAgentDataProvider();
    this.onMessage = (e) => this.receive(e);
    win.addEventListener("message", this.onMessage);
    this.sub = connect.core.getEventBus().subscribe(connect.AgentEvents.REFRESH, () => this.refresh());
    this.post({ channel: "Amazon", topic: "Bridge", subtopic: "Hello" });
    this.refresh();
  }

  close() {
    this.win.removeEventListener("message", this.onMessage);
    this.sub.unsubscribe();
  }

  post(env) {
    env.epoch = this.epoch;
    env.seq = ++this.seq;
    env.v = 1;
    this.parent.postMessage(JSON.stringify(env), this.crmOrigin);
  }

  refresh() {
    let snapshot;
    try {
      snapshot = this.provider.getAgentData().snapshot;
    } catch {
      return; // no agent data yet
    }
    const state = snapshot.state;
    const first = !this.agent;
    if (first || this.agent.name !== state.name || this.agent.type !== state.type) {
      this.agent = { name: state.name, type: state.type };
      this.post({ channel: "Amazon", topic: "Agent", subtopic: "AgentStateChange", message: { source: "event", agent: this.agentMessage() } });
    }
    const cur = contactOf(snapshot);
    let old = this.contact;
    if (old && (!cur || cur.id !== old.id)) {
      for (let i = 0; i < old.connections.length; i++) {
        const prev = old.connections[i].state;
        if (prev !== "disconnected") {
          old.connections[i] = { ...old.connections[i], state: "disconnected" };
          this.postCall(old, i, prev);
        }
      }
      this.answers.delete(old.id);
      this.post(this.snapshotEnvelope(null));
      old = null;
    }
    this.contact = cur;
    if (cur) this.diff(old, cur);
    // After the first snapshot's events, the whole state, for a CRM that asked before Streams reported.
    if (first) this.post(this.snapshotEnvelope(this.contact));
  }

  // One event per connection whose state changed, each on the contact as the CRM knows it after the ones before.
  diff(old, cur) {
    const prev = new Map(old ? old.connections.map((c) => [c.id, c]) : []);
    const applied = new Set();
    for (const c of cur.connections) {
      const p = prev.get(c.id);
      if (p && p.state === c.state) continue;
      applied.add(c.id);
      const working = { ...cur, connections: [] };
      let subject = 0;
      for (const w of cur.connections) {
        if (w.id === c.id) subject = working.connections.length;
        if (applied.has(w.id)) working.connections.push(w);
        else if (prev.has(w.id)) working.connections.push(prev.get(w.id));
      }
      this.postCall(working, subject, p ? p.state : "init");
    }
  }

  postCall(contact, subject, previous) {
    const env = { channel: "Amazon", topic: "InboundCall", subtopic: "InboundCallStateChange",
      message: { call: callEvent(contact, subject, previous), source: "event" } };
    const conn = contact.connections[subject];
    if (isAgentLeg(conn) && conn.state === "connected" && this.answers.has(contact.id)) {
      env.requestId = this.answers.get(contact.id);
      this.answers.delete(contact.id);
    }
    this.post(env);
  }

  agentMessage() {
    return { label: this.agent.name, code: this.agent.name, type: AGENT_TYPES[this.agent.type] || "Init" };
  }

  snapshotEnvelope(contact) {
    const message = { source: "event" };
    if (this.agent) message.agent = this.agentMessage();
    if (contact?.connections.length) message.calls = contact.connections.map((c, i) => callEvent(contact, i, c.state));
    return { channel: "Amazon", topic: "Bridge", subtopic: "Snapshot", message };
  }

  receive(event) {
    if (event.origin !== this.crmOrigin || event.source !== this.parent || typeof event.data !== "string") return;
    let req;
    try {
      req = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!req || req.channel !== "Amazon" || req.message) return;
    if (req.topic === "Bridge" && req.subtopic === "Hello") {
      if (this.agent) this.post(this.snapshotEnvelope(this.contact)); // before Streams reports: nothing to say
      return;
    }
    if (req.topic !== "InboundCall" || req.subtopic !== "Answer") return;
    const contact = this.contact;
    const agentLeg = contact?.connections.find(isAgentLeg);
    if (this.agent?.name !== "PendingBusy" || agentLeg?.state !== "connecting") {
      this.fail(req, "No incoming call.");
      return;
    }
    if (req.requestId) this.answers.set(contact.id, req.requestId);
    this.connect.core.getClient().call("acceptContact", { contactId: contact.id }, {
      success: () => {},
      failure: (err) => {
        this.answers.delete(contact.id);
        let code = "error";
        try {
          code = JSON.parse(err).message || code;
        } catch {}
        this.fail(req, code);
      },
    });
  }

  fail(req, code) {
    const env = { channel: "Amazon", topic: "InboundCall", subtopic: "Answer",
      message: { source: "event", error: { type: "ANSWER_CALL_FAILED", code, message: "Answering call failed." } } };
    if (req.requestId) env.requestId = req.requestId;
    this.post(env);
  }
}

const SUBTOPICS = new Set(["InboundCallStateChange", "AgentStateChange", "Snapshot", "Hello", "Answer"]);

/** The CRM side: on(name, callback), answerCall(), close(). */
export class JsCRM {
  constructor({ softphone, softphoneOrigin, source = "myapp", timeoutMs = 10000, win = window }) {
    this.win = win;
    this.target = softphone.contentWindow || softphone;
    this.origin = softphoneOrigin;
    this.source = source;
    this.timeoutMs = timeoutMs;
    this.callbacks = new Map();
    this.answerEnabled = false;
    this.pending = null; // the pending Answer: {id, resolve, reject, timer}
    this.nextId = 0;
    this.onMessage = (e) => this.receive(e);
    win.addEventListener("message", this.onMessage);
    this.target.postMessage(JSON.stringify({ channel: "Amazon", topic: "Bridge", subtopic: "Hello", source }), this.origin);
  }

  close() {
    this.win.removeEventListener("message", this.onMessage);
  }

  on(name, cb) {
    if (!this.callbacks.has(name)) this.callbacks.set(name, []);
    this.callbacks.get(name).push(cb);
    return () => this.callbacks.set(name, this.callbacks.get(name).filter((f) => f !== cb));
  }

  emit(name, message) {
    const list = this.callbacks.get(name);
    if (!list) return;
    for (const cb of list) {
      try {
        cb(message);
      } catch (err) {
        console.warn("jsbridge: a callback threw", err);
      }
    }
  }

  receive(event) {
    if (event.origin !== this.origin || event.source !== this.target) return;
    let env;
    try {
      env = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
    } catch {
      return;
    }
    if (!env || env.channel !== "Amazon" || !SUBTOPICS.has(env.subtopic)) return;
    const message = env.message;
    switch (env.subtopic) {
      case "InboundCallStateChange": {
        const actual = message?.call?.ResponseActual;
        if (!actual) return;
        if (isAgentLeg(actual)) {
          this.answerEnabled = message.call.ButtonStates.items.answer === ENABLE;
          const p = this.pending;
          if (p && actual.status === "connected" && (!env.requestId || env.requestId === p.id)) this.settle(p, message);
        }
        this.emit("InboundCallStateChange", message);
        break;
      }
      case "AgentStateChange":
      case "Snapshot":
        if (message) this.emit(env.subtopic, message);
        break;
      case "Answer":
        if (this.pending && message?.error && env.requestId === this.pending.id) {
          const e = Object.assign(new Error(message.error.message), message.error);
          this.settle(this.pending, null, e);
        }
        break;
    }
  }

  settle(p, message, err) {
    clearTimeout(p.timer);
    this.pending = null;
    if (err) p.reject(err);
    else p.resolve(message);
  }

  answerCall() {
    if (this.pending) return this.pending.promise;
    if (!this.answerEnabled) {
      return Promise.reject(Object.assign(new Error("Answering call failed."), { type: "ANSWER_CALL_FAILED", code: "No incoming call." }));
    }
    const p = { id: `js-${++this.nextId}` };
    p.promise = new Promise((resolve, reject) => {
      p.resolve = resolve;
      p.reject = reject;
    });
    p.timer = setTimeout(() => this.settle(p, null, new Error("timeout")), this.timeoutMs);
    this.pending = p;
    this.target.postMessage(JSON.stringify({ channel: "Amazon", topic: "InboundCall", subtopic: "Answer", source: this.source,
      requestId: p.id, v: 1 }), this.origin);
    return p.promise;
  }
}

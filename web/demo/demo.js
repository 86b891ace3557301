// The demo CRM page: what a contact-centre developer builds with ctibridge. It embeds the softphone, draws its
// call bar from the call's ButtonStates and its agent controls (state menu, mute, dial box, quick connects) from
// the agent's ButtonStates, opens the customer record on ringing, and logs every event. It keeps no state of its
// own about what is allowed: every button is enabled, disabled or hidden from the last table the softphone sent.
import { load } from "../ctibridge.js";
import config from "./config.js";

// A stand-in for the CRM's customer database, keyed by the caller's number (ANI).
const customers = {
  "+161081111": { name: "Dana Whitfield", account: "ACME-20419 · Gold", openCase: "#4821 Router replacement" },
};

// The 11 buttons of ButtonStates, each with the bridge method it calls.
const controls = [
  ["answer", "Answer", (b) => b.answerCall()],
  ["reject", "Reject", (b) => b.rejectCall()],
  ["hold", "Hold", (b) => b.holdCall()],
  ["resume", "Resume", (b) => b.resumeCall()],
  ["consult", "Consult", (b) => b.consult($("consult-number").value)],
  ["numberpad", "Send digits", (b) => b.sendDigits($("digits").value)],
  ["swap", "Swap", (b) => b.swap()],
  ["transfer", "Transfer", (b) => b.transfer()],
  ["conference", "Conference", (b) => b.conference()],
  ["disconnect", "Hang up", (b) => b.disconnectCall()],
  ["clearContact", "Clear contact", (b) => b.clearContact()],
];

// The agent-state menu's two fixed entries, as UpdateState's data. The agent's Ready button allows the routable
// one, NotReady the other one and the not-ready reasons (SetNotReady).
const AVAILABLE = { label: "Available", code: "Available", type: "routable" };
const OFFLINE = { label: "Offline", code: "Offline", type: "offline" };

const $ = (id) => document.getElementById(id);
const iframe = $("softphone");
iframe.src = config.softphoneUrl;

const bridge = await load({
  role: "crm",
  softphone: iframe,
  softphoneOrigin: config.softphoneOrigin,
  source: "acme-crm-demo",
  timeoutMs: 10000,
});
globalThis.ctibridgeCRM = bridge; // for the console and the end-to-end tests

// What the agent's last message said: its ButtonStates items (none while logged out: every button Hide), its
// state, mute and login state (shown only). SetAgentState carries no login state, so loginState comes from
// LoginSuccess, LogoutSuccess and Agent/StateSync only.
const agent = { items: {}, name: "", type: "", muted: false, loginState: "" };
// The not-ready reasons the instance has (config.js), and any other one a SetAgentState reports.
const reasons = [...(config.notReadyReasons ?? [])];

// act runs one action of the page and shows its outcome: a rejection's vendor text, type, code and reason stay
// on screen until the next action or a click on ×.
async function act(label, run) {
  hideError();
  try {
    await run();
    log(`${label}: done`);
  } catch (err) {
    showError(label, err);
  } finally {
    render();
  }
}

// draw gives a button the state of its ButtonStates item: Hide → hidden, Disable → disabled, Enable → enabled.
function draw(button, state, reason) {
  button.hidden = state === "Hide";
  button.disabled = state !== "Enable";
  button.dataset.state = state;
  button.title = reason ? `${state} · ${reason}` : state;
}

// The call bar.
const bar = $("callbar");
const buttons = new Map();
for (const [name, label, run] of controls) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = name;
  button.textContent = label;
  button.hidden = true;
  button.addEventListener("click", () => act(label, () => run(bridge)));
  buttons.set(name, button);
  bar.append(button);
}
const empty = document.createElement("span");
empty.className = "empty";
empty.textContent = "No call";
bar.append(empty);

// The agent's controls.
const menu = $("agent-state");
menu.addEventListener("change", () => {
  const choice = menu.value;
  if (choice === AVAILABLE.label) act("Available", () => bridge.updateState(AVAILABLE));
  else if (choice === OFFLINE.label) act("Offline", () => bridge.updateState(OFFLINE));
  else act(`Not ready: ${choice}`, () => bridge.setNotReady(choice));
});
const agentButtons = {
  mute: document.querySelector(".agent-card button.mute"),
  unmute: document.querySelector(".agent-card button.unmute"),
  make_call: document.querySelector(".dial-card button.make-call"),
};
agentButtons.mute.addEventListener("click", () => act("Mute", () => bridge.mute()));
agentButtons.unmute.addEventListener("click", () => act("Unmute", () => bridge.unmute()));
agentButtons.make_call.addEventListener("click", () => {
  const number = $("dial-number").value.trim();
  act(`Call ${number}`, () => bridge.makeCall(number));
});
const blindTransfer = document.querySelector(".dial-card button.blind-transfer");
blindTransfer.addEventListener("click", () => {
  const number = $("dial-number").value.trim();
  act(`Blind transfer to ${number}`, () => bridge.blindTransfer(number));
});
// Neither table has a button for the session: log in and out are always enabled, and the softphone answers
// (LoginSuccess at once when the agent is signed in already).
document.querySelector(".agent-card button.login").addEventListener("click", () => act("Log in", () => bridge.login()));
document.querySelector(".agent-card button.logout").addEventListener("click", () => act("Log out", () => bridge.logout()));

// The quick connects: each one dialled (make_call) or blind-transferred to (the call's consult button).
const quickConnects = [];
for (const qc of config.quickConnects ?? []) {
  const li = document.createElement("li");
  li.dataset.name = qc.Name;
  const name = document.createElement("span");
  name.className = "qc-name";
  name.textContent = qc.Name;
  const kind = document.createElement("span");
  kind.className = "qc-kind";
  kind.textContent = { agent: "agent", queue: "queue", phone_number: qc.phonenumber ?? "number" }[qc.Type] ?? qc.Type;
  const call = document.createElement("button");
  call.type = "button";
  call.className = "qc-call";
  call.textContent = "Call";
  call.addEventListener("click", () => act(`Call ${qc.Name}`, () => bridge.makeCall(qc)));
  const transfer = document.createElement("button");
  transfer.type = "button";
  transfer.className = "qc-transfer";
  transfer.textContent = "Transfer";
  transfer.addEventListener("click", () => act(`Blind transfer to ${qc.Name}`, () => bridge.blindTransfer(qc)));
  li.append(name, kind, call, transfer);
  $("quick-connects").append(li);
  quickConnects.push({ call, transfer });
}

// render draws every control from the two tables: the call bar from the bridge's ButtonStates (each button with
// its reason), the agent's controls from the agent's last ButtonStates.
function render() {
  const states = bridge.buttons();
  let shown = 0;
  for (const [name, button] of buttons) {
    const { state, reason } = states[name];
    draw(button, state, reason);
    if (!button.hidden) shown++;
  }
  empty.hidden = shown > 0;

  const item = (name) => agent.items[name] ?? "Hide";
  for (const [name, button] of Object.entries(agentButtons)) draw(button, item(name));
  draw(blindTransfer, states.consult.state, states.consult.reason);
  for (const { call, transfer } of quickConnects) {
    draw(call, item("make_call"));
    draw(transfer, states.consult.state, states.consult.reason);
  }
  renderMenu(item("Ready"), item("NotReady"));

  const loginState = agent.loginState || "unknown";
  $("login-state").textContent = loginState;
  $("login-state").className = `login-state ${loginState.toLowerCase()}`;
}

// renderMenu draws the state menu: Available (Ready), the not-ready reasons and Offline (NotReady). The agent's
// current state is selected; a state that is not in the menu (Busy, AfterCallWork) is shown as the first option.
function renderMenu(ready, notReady) {
  const option = (value, state, label = value) => {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    o.disabled = state !== "Enable";
    o.dataset.state = state;
    return o;
  };
  const group = (label, ...options) => {
    const g = document.createElement("optgroup");
    g.label = label;
    g.append(...options);
    return g;
  };
  const entries = [
    group("Routable", option(AVAILABLE.label, ready)),
    group("Not ready", ...reasons.map((r) => option(r, notReady))),
    group("Offline", option(OFFLINE.label, notReady)),
  ];
  const known = [AVAILABLE.label, OFFLINE.label, ...reasons].includes(agent.name);
  const current = option(known ? "" : agent.name, "Disable", agent.name || "—");
  current.hidden = known;
  menu.replaceChildren(current, ...entries);
  menu.value = known ? agent.name : current.value;
  menu.hidden = ready === "Hide" && notReady === "Hide";
  menu.disabled = ready !== "Enable" && notReady !== "Enable";
  menu.title = `Ready: ${ready} · NotReady: ${notReady}`;
}

// The agent's messages. SetAgentState: the vendor's agent event, pushed on every change of state or mute and
// answering every agent request. LoginSuccess, LogoutSuccess and Agent/StateSync: the session, with the same
// rules (an empty string while logged out).
function applyRules(rules) {
  agent.items = rules?.ButtonStates?.items ?? {};
}
bridge.on("SetAgentState", (m) => {
  applyRules(m.rules);
  agent.name = m.event;
  agent.type = m.data.type;
  agent.muted = m.data.muted;
  const reason = m.data.reasonCode?.id;
  if (m.data.type === "not_routable" && reason && !reasons.includes(reason)) reasons.push(reason);
  log(`agent: ${m.event}${m.data.muted ? " (muted)" : ""}`);
  showAgent();
  render();
});
function applySession(m, what) {
  applyRules(m.rules);
  agent.loginState = m.loginState;
  agent.name = m.agentState?.name ?? "";
  agent.type = m.agentState?.type ?? "";
  agent.muted = m.agentInfo?.muted ?? false;
  log(`${what}: ${m.loginState}`);
  showAgent();
  render();
}
bridge.on("LoginSuccess", (m) => applySession(m, "login"));
bridge.on("LogoutSuccess", (m) => {
  applySession(m, "logout");
  // LogoutSuccess reports the state and buttons the agent had when it logged out (the vendor's Logout sample):
  // the state now, logged out, with no buttons, is what Agent/StateSync reports.
  act("Agent state sync", () => bridge.stateSync("Agent"));
});
bridge.on("StateSync", (m) => {
  if ("loginState" in m) applySession(m, "agent sync");
});

bridge.on("InboundCallStateChange", (message) => {
  const call = message.call;
  const actual = call.ResponseActual;
  const who = actual.type === "agent" ? "agent leg" : `${actual.type} leg`;
  log(`${call.event} · ${who} (was ${actual.previousStatus})`);
  if (actual.type === "agent") {
    showCall(actual.status);
  }
  showCustomer(call);
  render();
});
let synced = false;
bridge.on("Snapshot", (message) => {
  const calls = message.calls ?? []; // absent when there is no call
  if (!synced) {
    log("softphone connected");
    // The agent's session and buttons, as the vendor's CRMs resynchronise: Agent/StateSync.
    act("Agent state sync", () => bridge.stateSync("Agent"));
  } else if (calls.length) {
    log(`resynchronised: ${calls.length} connection(s)`);
  }
  synced = true;
  const agentLeg = calls.find((c) => c.ResponseActual.type === "agent");
  showCall(agentLeg ? agentLeg.ResponseActual.status : "idle");
  if (calls.length) showCustomer(calls[0]);
  render();
});
bridge.on("diagnostic", (d) => log(`diagnostic ${d.reason} ${d.origin || ""} ${d.detail || ""}`, "diag"));
$("error-close").addEventListener("click", hideError);
render();

function showAgent() {
  const pill = $("agent");
  pill.textContent = agent.loginState === "LoggedOut" ? "Agent: logged out" : `Agent: ${agent.name || "…"}${agent.muted ? " · muted" : ""}`;
  pill.className = `agent-pill ${agent.type}`;
}

// showError shows a rejected action: the vendor's text (err.message), its type and code (Amazon Connect's own
// message, or why it was not asked) and ctibridge's reason.
function showError(label, err) {
  $("error-title").textContent = `${label}: ${err.message}`;
  $("error-detail").textContent = [err.type, err.code, err.reason].filter(Boolean).join(" · ");
  $("error").hidden = false;
  log(`${label} failed: ${err.type} · ${err.code}`, "err");
}

function hideError() {
  $("error").hidden = true;
}

function showCall(status) {
  const el = $("call-status");
  const text = { connecting: "Ringing", connected: "On call", hold: "On hold", disconnected: "Call ended", idle: "Idle" };
  el.textContent = text[status] || status;
  el.className = `call-status ${status}`;
}

function showCustomer(call) {
  const ani = call.CallVariables.ANI;
  const c = customers[ani] || { name: ani ? "Unknown caller" : "No caller", account: "—", openCase: "—" };
  $("customer-name").textContent = c.name;
  $("customer-meta").textContent = ani ? `Calling from ${ani}` : "";
  $("avatar").textContent = c.name.split(" ").map((w) => w[0]).join("").slice(0, 2);
  $("customer-phone").textContent = ani || "—";
  $("customer-dnis").textContent = call.CallVariables.DNIS || "—";
  $("customer-queue").textContent = call.ResponseFields.MediaProperties.queueName || "—";
  $("customer-account").textContent = c.account;
  $("customer-case").textContent = c.openCase;
}

function log(text, kind = "") {
  const li = document.createElement("li");
  const t = document.createElement("span");
  t.className = "t";
  t.textContent = new Date().toLocaleTimeString();
  li.append(t, document.createTextNode(text));
  if (kind) li.className = kind;
  $("log").prepend(li);
}

// The demo CRM page: what a contact-centre developer builds with ctibridge. It embeds the softphone, draws its
// call bar from ButtonStates, opens the customer record on ringing, and logs every event.
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

const bar = $("callbar");
const buttons = new Map();
for (const [name, label, run] of controls) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = name;
  button.textContent = label;
  button.hidden = true;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await run(bridge);
      log(`${label}: done`);
    } catch (err) {
      log(`${label} failed: ${err.type} · ${err.code}`, "err");
    } finally {
      render();
    }
  });
  buttons.set(name, button);
  bar.append(button);
}
const empty = document.createElement("span");
empty.className = "empty";
empty.textContent = "No call";
bar.append(empty);

// render draws the call bar from the bridge's ButtonStates: Hide → hidden, Disable → disabled, Enable → enabled,
// each with its reason as a tooltip.
function render() {
  const states = bridge.buttons();
  let shown = 0;
  for (const [name, button] of buttons) {
    const { state, reason } = states[name];
    button.hidden = state === "Hide";
    button.disabled = state !== "Enable";
    button.title = `${state} · ${reason}`;
    button.dataset.state = state;
    if (!button.hidden) shown++;
  }
  empty.hidden = shown > 0;
}

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
  if (!synced || calls.length) log(synced ? `resynchronised: ${calls.length} connection(s)` : "softphone connected");
  synced = true;
  if (message.agent) showAgent(message.agent);
  const agentLeg = calls.find((c) => c.ResponseActual.type === "agent");
  showCall(agentLeg ? agentLeg.ResponseActual.status : "idle");
  if (calls.length) showCustomer(calls[0]);
  render();
});
bridge.on("AgentStateChange", (message) => {
  showAgent(message.agent);
  log(`agent: ${message.agent.label} (${message.agent.type})`);
});
bridge.on("diagnostic", (d) => log(`diagnostic ${d.reason} ${d.origin || ""} ${d.detail || ""}`, "diag"));
render();

function showAgent(agent) {
  const pill = $("agent");
  pill.textContent = `Agent: ${agent.label}`;
  pill.className = `agent-pill ${agent.type.toLowerCase().replace(/ /g, "-")}`;
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

// Every call control that ButtonStates names, end to end through real Streams and the CCP emulator: the
// scripted scenarios of the controls issue, and at every state reached, the rule that ties buttons to controls:
// a control whose button is not Enable is refused with its *_FAILED error before anything reaches Streams.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openDemo, useDeployment, waitForEvent } from "../lib/deployment.mjs";

// The CRM method of each button, with arguments, as core/controls.go lists them.
const CONTROLS = {
  answer: ["answerCall", "ANSWER_CALL_FAILED"],
  reject: ["rejectCall", "REJECT_CALL_FAILED"],
  disconnect: ["disconnectCall", "DISCONNECT_CALL_FAILED"],
  hold: ["holdCall", "HOLD_CALL_FAILED"],
  resume: ["resumeCall", "RESUME_CALL_FAILED"],
  clearContact: ["clearContact", "CLEAR_CONTACT_FAILED"],
  consult: ["consult", "CONSULT_FAILED", "+15555550199"],
  numberpad: ["sendDigits", "SEND_DTMF_FAILED", "5"],
  swap: ["swap", "SWAP_FAILED"],
  transfer: ["transfer", "TRANSFER_FAILED"],
  conference: ["conference", "CONFERENCE_FAILED"],
};

const env = useDeployment();

async function session() {
  const context = await env.browser.newContext();
  const { page, emulator, errors } = await openDemo(context, env.deployment);
  return { context, page, emulator, errors };
}

// call runs bridge[method](...args) in the page: {ok, value} or {ok: false, error: {type, code, reason, message}}.
function call(page, method, ...args) {
  return page.evaluate(([m, a]) => ctibridgeCRM[m](...a).then(
    (value) => ({ ok: true, value }),
    (e) => ({ ok: false, error: { type: e.type, code: e.code, reason: e.reason, message: e.message } })), [method, args]);
}

const buttons = (page) => page.evaluate(() => ctibridgeCRM.buttons());
const requestCount = (emulator) => emulator.evaluate(() => ccpEmulator.requests().length);

// waitButtons waits until each named button has the given state in the CRM's call bar.
async function waitButtons(page, want, timeout = 10000) {
  await page.waitForFunction((w) => {
    const b = ctibridgeCRM.buttons();
    return Object.entries(w).every(([name, state]) => b[name].state === state);
  }, want, { timeout }).catch(async (err) => {
    throw new Error(`call bar never reached ${JSON.stringify(want)}: ${JSON.stringify(await buttons(page))}`, { cause: err });
  });
}

// refusesDisabled checks, in the current state, that every control whose button is not Enable fails at once
// with its own error type and reason NOT_ALLOWED, and that none reached the emulator.
async function refusesDisabled(page, emulator) {
  const bar = await buttons(page);
  const before = await requestCount(emulator);
  let refused = 0;
  for (const [name, [method, type, ...args]] of Object.entries(CONTROLS)) {
    if (bar[name].state === "Enable") continue;
    const r = await call(page, method, ...args);
    assert.equal(r.ok, false, `${method} succeeded while ${name} is ${bar[name].state}`);
    assert.equal(r.error.type, type);
    assert.equal(r.error.reason, "NOT_ALLOWED", `${method}: ${r.error.code}`);
    refused++;
  }
  assert.equal(await requestCount(emulator), before, "refused controls never reached Streams");
  return refused;
}

// step performs an Enable control and checks it succeeded.
async function step(page, emulator, name) {
  await waitButtons(page, { [name]: "Enable" });
  await refusesDisabled(page, emulator);
  const [method, , ...args] = CONTROLS[name];
  const r = await call(page, method, ...args);
  assert.equal(r.ok, true, `${method} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

async function ringAndAnswer(page, emulator) {
  await emulator.evaluate(() => ccpEmulator.ring({}));
  await waitButtons(page, { answer: "Enable", reject: "Enable" });
  await step(page, emulator, "answer");
  await waitButtons(page, { hold: "Enable", disconnect: "Enable", consult: "Enable", numberpad: "Enable" });
}

const methods = async (emulator) => (await emulator.evaluate(() => ccpEmulator.requests())).map((r) => r.method);

test("answer → hold → resume → hang up → clear contact", async () => {
  const { context, page, emulator, errors } = await session();
  try {
    assert.equal(await refusesDisabled(page, emulator), 11, "with no call every control is refused");
    await ringAndAnswer(page, emulator);
    await step(page, emulator, "hold");
    await waitButtons(page, { resume: "Enable", hold: "Hide" });
    await step(page, emulator, "resume");
    await waitButtons(page, { hold: "Enable", resume: "Hide" });
    await step(page, emulator, "disconnect");
    await waitButtons(page, { clearContact: "Enable", disconnect: "Hide", hold: "Hide" });
    await step(page, emulator, "clearContact");
    await waitButtons(page, { clearContact: "Hide", answer: "Hide" });
    assert.equal(await refusesDisabled(page, emulator), 11);
    assert.deepEqual(await methods(emulator),
      ["acceptContact", "holdConnection", "resumeConnection", "destroyConnection", "clearContact"]);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("answer → consult a number → swap → conference → the third party leaves → hang up", async () => {
  const { context, page, emulator } = await session();
  try {
    await ringAndAnswer(page, emulator);
    await step(page, emulator, "consult");
    await emulator.evaluate(() => ccpEmulator.thirdPartyAnswer());
    await waitButtons(page, { swap: "Enable", conference: "Enable", transfer: "Enable", consult: "Disable" });
    const participants = await waitForEvent(page, (e) => e.name === "InboundCallStateChange" &&
      e.message.call.ResponseFields.Participants.length === 1);
    assert.equal(participants.message.call.ResponseFields.Participants[0].phoneNumber, "+15555550199");
    await step(page, emulator, "swap");
    await step(page, emulator, "conference");
    await waitButtons(page, { conference: "Hide", swap: "Hide", transfer: "Enable" });
    await emulator.evaluate(() => ccpEmulator.thirdPartyHangup());
    await waitButtons(page, { transfer: "Hide", consult: "Enable" });
    await step(page, emulator, "disconnect");
    await waitButtons(page, { clearContact: "Enable" });
    const m = await methods(emulator);
    assert.deepEqual(m, ["acceptContact", "createAdditionalConnection", "toggleActiveConnections", "conferenceConnections", "destroyConnection"]);
  } finally {
    await context.close();
  }
});

test("answer → consult → transfer", async () => {
  const { context, page, emulator } = await session();
  try {
    await ringAndAnswer(page, emulator);
    await step(page, emulator, "consult");
    await emulator.evaluate(() => ccpEmulator.thirdPartyAnswer());
    await step(page, emulator, "transfer");
    await waitButtons(page, { clearContact: "Enable", transfer: "Hide", hold: "Hide" });
    const requests = await emulator.evaluate(() => ccpEmulator.requests());
    const destroy = requests.find((r) => r.method === "destroyConnection");
    const snapshot = await emulator.evaluate(() => ccpEmulator.snapshot());
    const agentLeg = snapshot.snapshot?.contacts?.[0]?.connections?.find((c) => c.type === "agent")
      ?? snapshot.contacts?.[0]?.connections?.find((c) => c.type === "agent");
    assert.ok(destroy, "the agent left the call");
    if (agentLeg) assert.equal(destroy.params.connectionId, agentLeg.connectionId, "transfer destroys the agent's own leg");
  } finally {
    await context.close();
  }
});

test("ring → reject", async () => {
  const { context, page, emulator } = await session();
  try {
    await emulator.evaluate(() => ccpEmulator.ring({}));
    await step(page, emulator, "reject");
    await waitButtons(page, { clearContact: "Enable", answer: "Hide", reject: "Hide" });
    const agent = await page.waitForFunction(() => ctibridgeCRM.agentState()?.label === "FailedConnectAgent", null, { timeout: 10000 });
    assert.ok(agent);
    await step(page, emulator, "clearContact");
    await page.waitForFunction(() => ctibridgeCRM.agentState()?.label === "Available", null, { timeout: 10000 });
  } finally {
    await context.close();
  }
});

test("ring → missed", async () => {
  const { context, page, emulator } = await session();
  try {
    await emulator.evaluate(() => ccpEmulator.ring({}));
    await waitButtons(page, { answer: "Enable" });
    await emulator.evaluate(() => ccpEmulator.miss());
    await waitButtons(page, { clearContact: "Enable", answer: "Hide" });
    await page.waitForFunction(() => ctibridgeCRM.agentState()?.label === "MissedCallAgent", null, { timeout: 10000 });
    const late = await call(page, "answerCall");
    assert.equal(late.error.reason, "NOT_ALLOWED", "a missed call can no longer be answered");
    await step(page, emulator, "clearContact");
    await waitButtons(page, { clearContact: "Hide" });
  } finally {
    await context.close();
  }
});

test("DTMF digits reach the emulator in order", async () => {
  const { context, page, emulator } = await session();
  try {
    await ringAndAnswer(page, emulator);
    for (const d of ["12#", "3", "*45", ",9"]) {
      const r = await call(page, "sendDigits", d);
      assert.equal(r.ok, true, JSON.stringify(r.error));
    }
    assert.equal(await emulator.evaluate(() => ccpEmulator.digits()), "12#3*45,9");
    const bad = await call(page, "sendDigits", "12a");
    assert.equal(bad.error.type, "SEND_DTMF_FAILED");
    assert.equal(bad.error.reason, "INVALID_ARGUMENT");
  } finally {
    await context.close();
  }
});

test("agent state changes in the emulator reach the CRM with label, code and type; setAgentState works", async () => {
  const { context, page, emulator } = await session();
  try {
    for (const [name, type] of [["Not Ready", "Not Routable"], ["Offline", "Offline"], ["Available", "Routable"]]) {
      await emulator.evaluate((n) => ccpEmulator.setAgentState(n), name);
      const e = await waitForEvent(page, (ev, n) => ev.name === "AgentStateChange" && ev.message.agent.label === n, name);
      assert.deepEqual(e.message.agent, { label: name, code: name, type });
    }
    const r = await call(page, "setAgentState", "Not Ready");
    assert.equal(r.ok, true, JSON.stringify(r.error));
    await page.waitForFunction(() => ctibridgeCRM.agentState()?.label === "Not Ready", null, { timeout: 10000 });
    const bad = await call(page, "setAgentState", "Lunch on the moon");
    assert.equal(bad.error.type, "AGENT_STATE_NOT_FOUND"); // the vendor's error for a state the agent does not have
  } finally {
    await context.close();
  }
});

test("a closed bridge stays safe to call: requests reject with their error and reason CLOSED", async () => {
  const { context, page } = await session();
  try {
    const r = await page.evaluate(async () => {
      ctibridgeCRM.close();
      ctibridgeCRM.close();
      const hold = await ctibridgeCRM.holdCall().then(() => null, (e) => ({ type: e.type, reason: e.reason, message: e.message }));
      return { hold, buttons: ctibridgeCRM.buttons() };
    });
    assert.deepEqual(r.hold, { type: "HOLD_CALL_FAILED", reason: "CLOSED", message: "Call hold failed." });
    assert.equal(r.buttons, null);
  } finally {
    await context.close();
  }
});

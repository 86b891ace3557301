// A frame from a foreign origin cannot drive the softphone (accept, reject or hang up a call) and cannot feed
// events to the CRM, whatever it posts and however much it knows (real contact and connection ids, the CRM's
// epoch, the pending request's id, a real event to copy). The demo CRM page, the softphone page (real
// amazon-connect-streams) and the CCP emulator run on three 127.0.0.1 origins; the foreign site on 127.0.0.2.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch } from "../lib/browser.mjs";
import { openDemo, startDeployment, waitForEvent } from "../lib/deployment.mjs";
import {
  ATTACKER, CONTROL_METHODS, FIXTURES, addFrames, injectCorpus, recordSoftphone, startSameSiteOrigin, startThirdOrigin, until,
} from "../fixtures/hostile/harness.mjs";

let browser;
let deployment;
let third; // a foreign site (127.0.0.2)
let sibling; // a foreign origin of the same site (127.0.0.1, another port)
let context;
let page; // the demo CRM page
let emulator;
let softphone;
let frames; // {name: Frame} of every foreign position
let origins;

before(async () => {
  browser = await launch();
  deployment = await startDeployment();
  third = await startThirdOrigin();
  origins = { crm: deployment.sites.crm.origin, softphone: deployment.sites.softphone.origin, ccp: deployment.sites.emulator.origin };
  sibling = await startSameSiteOrigin();
  context = await browser.newContext();
  // Instrumentation (not attackers): the requests the CRM posts to the softphone, and the envelopes the
  // softphone posts to the CRM, as an eavesdropper who learnt them would know them. Installed in every frame
  // before its scripts run, so that the handshake is seen too.
  await context.addInitScript((o) => {
    const keep = (list, data) => {
      if (typeof data === "string" && data.length < 65536) {
        try {
          list.push(JSON.parse(data));
        } catch {
          // not JSON: not an envelope
        }
      }
    };
    if (location.origin === o.softphone && window.parent !== window) {
      globalThis.__requests = [];
      window.addEventListener("message", (e) => { if (e.origin === o.crm && e.source === window.parent) keep(globalThis.__requests, e.data); });
    }
    if (location.origin === o.crm && window.top === window) {
      globalThis.__raw = [];
      window.addEventListener("message", (e) => {
        if (e.origin === o.softphone && e.source === document.getElementById("softphone")?.contentWindow) keep(globalThis.__raw, e.data);
      });
    }
  }, origins);
  ({ page, emulator } = await openDemo(context, deployment));
  softphone = page.frames().find((f) => f.url().startsWith(origins.softphone));
  await recordSoftphone(softphone);
  assert.ok(await page.evaluate(() => window.frames[0] === document.getElementById("softphone").contentWindow));

  frames = await addFrames(page, [
    { name: "third-party", src: third.url(ATTACKER) },
    { name: "sandboxed", src: third.url(ATTACKER), sandbox: "allow-scripts" },
    { name: "same-site", src: sibling.url(ATTACKER) }, // another origin of the CRM's own site
    { name: "crm-origin", src: `${origins.crm}${ATTACKER}` }, // right origin for the softphone, wrong window
    { name: "softphone-origin", src: `${origins.softphone}${ATTACKER}` }, // right origin for the CRM, wrong window
    { name: "ccp-origin", src: `${origins.ccp}${ATTACKER}` }, // the CCP's origin, not the CCP frame
  ]);
  Object.assign(frames, await addFrames(softphone, [{ name: "softphone-widget", src: third.url(ATTACKER) }]));
  // A popup of the CRM's origin (another tab of the CRM, or a page the CRM opened), reaching the softphone
  // through its opener.
  const [popup] = await Promise.all([
    context.waitForEvent("page"),
    page.evaluate((url) => { window.open(url, "crm-popup", "popup"); }, `${origins.crm}${ATTACKER}`),
  ]);
  await popup.waitForFunction(() => globalThis.ctibridgeHostile, null, { timeout: 20000 });
  frames["crm-popup"] = popup.mainFrame();
  await injectCorpus(emulator);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await deployment?.close();
  await third?.close();
  await sibling?.close();
});

// Who may post what at the softphone, and the diagnostic each must cause: a frame of the CCP's origin is
// Streams' business (the softphone leaves that traffic to Streams and reports nothing), every other one is
// refused by origin or by source window.
const atSoftphone = () => [
  { from: "third-party", target: "parent.frames:0", reason: "WRONG_ORIGIN", origin: third.origin },
  { from: "sandboxed", target: "parent.frames:0", reason: "WRONG_ORIGIN", origin: "null" },
  { from: "same-site", target: "parent.frames:0", reason: "WRONG_ORIGIN", origin: sibling.origin },
  { from: "crm-origin", target: "parent.frames:0", reason: "WRONG_SOURCE", origin: origins.crm },
  { from: "crm-popup", target: "opener.frames:0", reason: "WRONG_SOURCE", origin: origins.crm },
  { from: "softphone-widget", target: "parent", reason: "WRONG_ORIGIN", origin: third.origin },
  { from: "ccp-origin", target: "parent.frames:0", reason: null },
];
const atCRM = () => [
  { from: "third-party", target: "parent", reason: "WRONG_ORIGIN", origin: third.origin },
  { from: "sandboxed", target: "parent", reason: "WRONG_ORIGIN", origin: "null" },
  { from: "same-site", target: "parent", reason: "WRONG_ORIGIN", origin: sibling.origin },
  { from: "softphone-origin", target: "parent", reason: "WRONG_SOURCE", origin: origins.softphone },
  { from: "softphone-widget", target: "top", reason: "WRONG_ORIGIN", origin: third.origin },
  { from: "ccp", target: "top", reason: "WRONG_ORIGIN", origin: null },
];

const crmCallbacks = () => page.evaluate(() => globalThis.__events.filter((e) => e.name !== "diagnostic"));
const crmDiags = () => page.evaluate(() => globalThis.__events.filter((e) => e.name === "diagnostic").map((e) => e.message));
const softphoneDiags = () => softphone.evaluate(() => globalThis.__diags);
const controlRequests = async () => (await emulator.evaluate(() => ccpEmulator.requests())).filter((r) => CONTROL_METHODS.has(r.method));
const emulatorCall = () => emulator.evaluate(() => {
  const c = ccpEmulator.snapshot()?.snapshot.contacts[0];
  return c ? { contactId: c.contactId, state: c.state.type, legs: c.connections.map((l) => `${l.type}:${l.state.type}`) } : null;
});
const frameOf = (name) => (name === "ccp" ? emulator : frames[name]);

/** Posts forgeries from every position in positions and checks the diagnostics the attacked role reports. */
async function fromEveryPosition({ positions, diags, other, forgeries, targetOrigins }) {
  const before = (await diags()).length;
  const otherBefore = (await other()).length;
  let expected = 0;
  let total = 0;
  const expectations = [];
  for (const p of positions) {
    const n = await frameOf(p.from).evaluate((args) => globalThis.ctibridgeHostile.postForgeries(args),
      { target: p.target, targetOrigins: targetOrigins(p), forgeries });
    total += n;
    if (p.reason) {
      expected += n;
      expectations.push({ ...p, n });
    }
  }
  await until(async () => (await diags()).length - before >= expected, `${expected} diagnostics`, 30000);
  await new Promise((r) => setTimeout(r, 500));
  const got = (await diags()).slice(before);
  assert.equal(got.length, expected, "one diagnostic per refused message, none for the CCP origin's");
  for (const p of expectations) {
    const mine = got.filter((d) => d.origin === (p.origin ?? origins.ccp) && d.reason === p.reason);
    assert.ok(mine.length >= p.n, `${p.from}: ${p.n} messages refused as ${p.reason} (got ${mine.length})`);
  }
  assert.deepEqual((await other()).slice(otherBefore), [], "the attacked role answered nothing");
  return total;
}

test("a foreign frame cannot make the softphone accept or reject a ringing call", async () => {
  const { contactId, agentConnectionId, customerConnectionId } = await emulator.evaluate(() => ccpEmulator.ring({}));
  await waitForEvent(page, (e) => e.name === "InboundCallStateChange" && e.message.call.ResponseActual.type === "agent" &&
    e.message.call.event === "connecting");
  await page.waitForFunction(() => ctibridgeCRM.buttons().answer.state === "Enable");
  const crmEpoch = (await softphone.evaluate(() => globalThis.__requests.find((r) => r.epoch)))?.epoch;
  assert.ok(crmEpoch, "the CRM's Hello carried its epoch");
  const callbacksBefore = (await crmCallbacks()).length;
  const ring = await emulatorCall();

  const forgeries = await frames["third-party"].evaluate((ids) => globalThis.ctibridgeHostile.controlForgeries(ids),
    { contactId, agentConnectionId, customerConnectionId, crmEpoch, subtopics: ["Answer", "Reject", "Disconnect", "Hold", "ClearContact"] });
  const posted = await fromEveryPosition({
    positions: atSoftphone(), diags: softphoneDiags, other: crmDiags, forgeries,
    targetOrigins: () => ["*", origins.softphone],
  });
  console.log(`# ${posted} Answer/Reject/Disconnect/Hold/ClearContact requests posted at the softphone from ${atSoftphone().length} foreign positions`);

  await new Promise((r) => setTimeout(r, 500)); // room for a wrongly accepted request to reach the emulator
  assert.deepEqual(await controlRequests(), [], "the emulator recorded no request");
  assert.deepEqual(await emulatorCall(), ring, "the call is still ringing, untouched");
  assert.equal((await crmCallbacks()).length, callbacksBefore, "the CRM heard nothing");
  assert.equal(await page.evaluate(() => ctibridgeCRM.buttons().answer.state), "Enable");

  // Positive control: the very same forgery, posted by the softphone's parent (the CRM page), is obeyed. The
  // forgeries were well-formed; only the origin and window checks stopped them.
  const vendorAnswer = forgeries.find((f) => f.name === "Answer (vendor page form)").data;
  await page.evaluate(({ data, o }) => document.getElementById("softphone").contentWindow.postMessage(JSON.stringify(data), o),
    { data: vendorAnswer, o: origins.softphone });
  await until(async () => (await controlRequests()).length > 0, "the accept");
  assert.deepEqual((await controlRequests()).map((r) => r.method), ["acceptContact"]);
  await page.waitForFunction(() => ctibridgeCRM.buttons().hold.state === "Enable", null, { timeout: 10000 });
});

test("a foreign frame cannot hang up, hold or reject a connected call", async () => {
  const call = await emulatorCall();
  assert.equal(call?.state, "connected", "the call of the previous test is connected");
  await page.waitForFunction(() => ctibridgeCRM.buttons().hold.state === "Enable");
  const snapshot = await emulator.evaluate(() => ccpEmulator.snapshot().snapshot.contacts[0]);
  const legs = Object.fromEntries(snapshot.connections.map((l) => [l.type === "agent" ? "agent" : "customer", l.connectionId]));
  const crmEpoch = (await softphone.evaluate(() => globalThis.__requests.find((r) => r.epoch)))?.epoch;
  const before = await controlRequests();
  const callbacksBefore = (await crmCallbacks()).length;

  const forgeries = await frames["third-party"].evaluate((ids) => globalThis.ctibridgeHostile.controlForgeries(ids), {
    contactId: snapshot.contactId, agentConnectionId: legs.agent, customerConnectionId: legs.customer, crmEpoch,
    subtopics: ["Disconnect", "Hold", "Reject", "ClearContact", "SendDTMF", "SendDigits"],
  });
  const posted = await fromEveryPosition({
    positions: atSoftphone(), diags: softphoneDiags, other: crmDiags, forgeries, targetOrigins: () => ["*", origins.softphone],
  });
  console.log(`# ${posted} Disconnect/Hold/Reject/ClearContact/SendDTMF/SendDigits requests posted at the softphone during the call`);

  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await controlRequests(), before, "the emulator recorded no new request");
  assert.deepEqual(await emulatorCall(), call, "the call is still connected, untouched");
  assert.equal(await emulator.evaluate(() => ccpEmulator.digits()), "", "no digits were sent");
  assert.equal((await crmCallbacks()).length, callbacksBefore, "the CRM heard nothing");

  // The real CRM hangs up.
  await page.evaluate(() => ctibridgeCRM.disconnectCall());
  assert.deepEqual((await controlRequests()).slice(before.length).map((r) => r.method), ["destroyConnection"]);
  await until(async () => (await emulatorCall())?.state === "ended", "the call to end");
  await page.evaluate(() => ctibridgeCRM.clearContact());
  await until(async () => (await emulatorCall()) === null, "the contact to be cleared");
});

test("a foreign frame cannot feed events to the CRM, nor settle or fail its pending request", async () => {
  await page.waitForFunction(() => ctibridgeCRM.agentState()?.label === "Available", null, { timeout: 10000 });
  await emulator.evaluate(() => ccpEmulator.ring({}));
  await page.waitForFunction(() => ctibridgeCRM.buttons().answer.state === "Enable", null, { timeout: 10000 });
  const realEvent = await page.evaluate(() => globalThis.__raw.filter((e) => e.subtopic === "InboundCallStateChange" &&
    e.message.call.ResponseActual.type === "agent").at(-1));

  // The CCP goes quiet, so that the CRM's Answer stays pending while the attackers try to end it.
  await emulator.evaluate(() => ccpEmulator.disappear());
  await page.evaluate(() => {
    globalThis.__answer = { state: "pending" };
    ctibridgeCRM.answerCall().then(
      (m) => { globalThis.__answer = { state: "resolved", contactId: m.call.ResponseActual.contactId, status: m.call.ResponseActual.status }; },
      (e) => { globalThis.__answer = { state: "rejected", type: e.type, reason: e.reason, code: e.code }; });
  });
  const requestId = await until(() => softphone.evaluate(() => globalThis.__requests.findLast((r) => r.subtopic === "Answer")?.requestId),
    "the Answer request");
  const buttons = await page.evaluate(() => JSON.stringify(ctibridgeCRM.buttons()));
  const callbacksBefore = (await crmCallbacks()).length;

  const forgeries = await frames["third-party"].evaluate((args) => globalThis.ctibridgeHostile.eventForgeries(args), { realEvent, requestId });
  const posted = await fromEveryPosition({
    positions: atCRM(), diags: crmDiags, other: softphoneDiags, forgeries, targetOrigins: () => ["*", origins.crm],
  });
  console.log(`# ${posted} forged events, replies, snapshots and hellos posted at the CRM from ${atCRM().length} foreign positions`);

  assert.deepEqual((await crmCallbacks()).slice(callbacksBefore), [], "no call, agent or snapshot callback saw them");
  assert.equal(await page.evaluate(() => JSON.stringify(ctibridgeCRM.buttons())), buttons, "the call bar did not move");
  assert.deepEqual(await page.evaluate(() => globalThis.__answer), { state: "pending" }, "the pending answer was neither settled nor failed");
  assert.equal(await page.evaluate(() => ctibridgeCRM.agentState().label), "PendingBusy");

  // The CCP comes back and the agent accepts there: the real connected event ends the real request.
  await emulator.evaluate(() => { ccpEmulator.reappear(); ccpEmulator.accept(); });
  await page.waitForFunction(() => globalThis.__answer.state !== "pending", null, { timeout: 15000 });
  assert.deepEqual(await page.evaluate(() => globalThis.__answer),
    { state: "resolved", contactId: realEvent.message.call.ResponseActual.contactId, status: "connected" });

  // Positive control: a forged event posted by the softphone's own window is taken (it is the softphone). The
  // forgeries were well-formed; only the origin and window checks stopped them.
  const forged = structuredClone(forgeries.find((f) => f.name === "hold event for the real contact").data);
  const ra = forged.message.call.ResponseActual;
  ra.statusTimestamp = forged.message.call.ResponseFields.CurrentStateTime = new Date(Date.now() + 3600e3).toISOString();
  const n = (await crmCallbacks()).length;
  await softphone.evaluate(({ data, o }) => window.parent.postMessage(JSON.stringify(data), o), { data: forged, o: origins.crm });
  const taken = await until(async () => (await crmCallbacks()).slice(n).find((e) => e.name === "InboundCallStateChange"), "the forged event from the right window");
  assert.equal(taken.message.call.ResponseActual.status, "hold");
});

test("a foreign page that frames the softphone can neither drive it nor hear from it", async () => {
  // Another origin of the same site frames the real softphone page (with the agent's session, in real life);
  // its own CCP emulator rings a call in that softphone. (A cross-site page gets a dead softphone: Chromium
  // blocks the frame's storage, which initCCP needs.)
  const evil = await context.newPage();
  try {
    await evil.goto(sibling.url(`${FIXTURES}/host.html?frame=${origins.softphone}/softphone.html`));
    const victim = await until(() => evil.frames().find((f) => f.url().startsWith(`${origins.softphone}/softphone.html`)), "the framed softphone");
    await victim.waitForFunction(() => globalThis.ctibridgeSoftphone, null, { timeout: 20000 });
    await recordSoftphone(victim);
    const ccp = await until(() => evil.frames().find((f) => f.url().includes("/emulator/index.html")), "its CCP frame");
    await ccp.waitForFunction(() => globalThis.ccpEmulator?.snapshot(), null, { timeout: 20000 });
    const ids = await ccp.evaluate(() => ccpEmulator.ring({}));
    await until(async () => (await victim.evaluate(() => connect.core.getAgentDataProvider().getAgentData().snapshot.contacts.length)) === 1,
      "Streams to see the call");

    const forgeries = await evil.evaluate((args) => globalThis.ctibridgeHostile.controlForgeries(args), { ...ids, subtopics: ["Answer", "Reject", "Disconnect"] });
    forgeries.push({ name: "Hello (asks for the state)", data: { channel: "Amazon", topic: "Bridge", subtopic: "Hello", source: "evil", epoch: "evil", v: 1 } });
    const n = await evil.evaluate((args) => globalThis.ctibridgeHostile.postForgeries(args),
      { target: "element:victim", targetOrigins: ["*", origins.softphone], forgeries });
    await until(async () => (await victim.evaluate(() => globalThis.__diags.length)) >= n, `${n} diagnostics`, 20000);
    const diags = await victim.evaluate(() => globalThis.__diags);
    assert.equal(diags.length, n);
    assert.ok(diags.every((d) => d.reason === "WRONG_ORIGIN" && d.origin === sibling.origin), "every request refused as WRONG_ORIGIN");
    await new Promise((r) => setTimeout(r, 500));
    const requests = (await ccp.evaluate(() => ccpEmulator.requests())).filter((r) => CONTROL_METHODS.has(r.method));
    assert.deepEqual(requests, [], "its CCP recorded no request");
    assert.equal(await ccp.evaluate(() => ccpEmulator.snapshot().snapshot.contacts[0].state.type), "connecting", "the call still rings");
    const heard = await evil.evaluate((o) => globalThis.__received.filter((m) => m.origin === o), origins.softphone);
    assert.deepEqual(heard, [], "the softphone told the framing page nothing (no events, no snapshot)");
  } finally {
    await evil.close();
  }
});

// Hostile and malformed messages at both roles, from every position an attacker on a real page has: a frame of a
// third-party site, a sandboxed (null-origin) frame, a window of the right origin that is not the partner, the
// CCP's own frame, and the partner window itself posting garbage. The demo CRM page, the softphone page (real
// amazon-connect-streams) and the CCP emulator run on three 127.0.0.1 origins; the third party on 127.0.0.2.
//
// Each message must be refused with exactly one diagnostic of the right reason, counted in
// bridge.diagnostics().counts; no call, agent or snapshot callback may see any of them; the emulator must record
// no request caused by them; Object.prototype must stay clean in every frame; the Go runtime must stay alive;
// and afterwards a normal ring → answerCall() must still work end to end.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch } from "../lib/browser.mjs";
import { openDemo, startDeployment, waitForEvent } from "../lib/deployment.mjs";
import {
  ATTACKER, CONTROL_METHODS, addFrames, countsDelta, injectCorpus, prototypeState, recordSoftphone, startSameSiteOrigin, startThirdOrigin,
  tally,
} from "../fixtures/hostile/harness.mjs";

let browser;
let deployment;
let third; // a third-party site (127.0.0.2)
let sibling; // another origin of the CRM's own site (127.0.0.1, a port of its own)
let context;
let page; // the demo CRM page
let emulator; // the CCP emulator frame
let softphone; // the softphone frame
let attackers; // {name: Frame}
let pageErrors;
const consoleErrors = [];
const protoBefore = new Map();
let emulatorRequestsBefore;
let callbacksBefore;
const posted = { crm: 0, softphone: 0 };

const CALLBACKS = ["InboundCallStateChange", "AgentStateChange", "Snapshot"];

before(async () => {
  browser = await launch();
  deployment = await startDeployment();
  third = await startThirdOrigin();
  sibling = await startSameSiteOrigin();
  context = await browser.newContext();
  ({ page, emulator, errors: pageErrors } = await openDemo(context, deployment));
  page.on("console", (m) => {
    if (/Go program has already exited|runtime exited|PANIC/i.test(m.text())) consoleErrors.push(m.text());
  });
  softphone = page.frames().find((f) => f.url().startsWith(deployment.sites.softphone.origin));
  await recordSoftphone(softphone);
  assert.ok(await page.evaluate(() => window.frames[0] === document.getElementById("softphone").contentWindow),
    "the softphone is the CRM page's frames[0], which attacker frames address");

  const crm = deployment.sites.crm.origin;
  const sp = deployment.sites.softphone.origin;
  attackers = await addFrames(page, [
    { name: "third-party", src: third.url(ATTACKER) }, // an ad or widget from another site
    { name: "sandboxed", src: third.url(ATTACKER), sandbox: "allow-scripts" }, // origin "null"
    { name: "same-site", src: sibling.url(ATTACKER) }, // another origin of the same site (another subdomain)
    { name: "softphone-origin", src: `${sp}${ATTACKER}` }, // the softphone's origin, not the softphone's window
    { name: "crm-origin", src: `${crm}${ATTACKER}` }, // the CRM's origin, not the softphone's parent
  ]);
  // A third-party widget inside the softphone page itself.
  Object.assign(attackers, await addFrames(softphone, [{ name: "softphone-widget", src: third.url(ATTACKER) }]));
  assert.equal(await attackers.sandboxed.evaluate(() => self.origin), "null");
  await injectCorpus(softphone);
  await injectCorpus(page);
  await injectCorpus(emulator);

  for (const frame of allFrames()) protoBefore.set(frame, await prototypeState(frame));
  emulatorRequestsBefore = await emulator.evaluate(() => ccpEmulator.requests().length);
  callbacksBefore = await crmCallbacks();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await deployment?.close();
  await third?.close();
  await sibling?.close();
});

function allFrames() {
  return [page.mainFrame(), softphone, emulator, ...Object.values(attackers)];
}

const crmCallbacks = () => page.evaluate((names) => globalThis.__events.filter((e) => names.includes(e.name)).length, CALLBACKS);
const crmDiags = () => page.evaluate(() => globalThis.__events.filter((e) => e.name === "diagnostic").map((e) => e.message));
const softphoneDiags = () => softphone.evaluate(() => globalThis.__diags);
const crmCounts = () => page.evaluate(() => globalThis.ctibridgeCRM.diagnostics().counts);
const softphoneCounts = () => softphone.evaluate(() => globalThis.ctibridgeSoftphone.diagnostics().counts);

const roles = {
  crm: { diags: crmDiags, counts: crmCounts, other: softphoneDiags },
  softphone: { diags: softphoneDiags, counts: softphoneCounts, other: crmDiags },
};

/**
 * Posts the corpus from `from` at role's window and checks what the role made of each message. reason is the
 * one reason every message must get (an attacker position), or null (the right window: each entry's own
 * reasons; a marker envelope after each entry tells which diagnostics it caused).
 */
async function barrage({ role, from, target, targetOrigin = "*", reason, origin }) {
  const r = roles[role];
  const foreign = reason !== null;
  const markers = !foreign;
  const diagsBefore = (await r.diags()).length;
  const otherBefore = (await r.other()).length;
  const countsBefore = await r.counts();
  const callbacks = await crmCallbacks();

  const results = await from.evaluate((args) => globalThis.ctibridgeHostile.attack(args), { target, targetOrigin, role, foreign, markers });
  const unposted = results.filter((x) => !x.posted);
  for (const u of unposted) assert.ok(u.mayNotPost, `${u.name} could not be posted: ${u.error}`);
  const sent = results.filter((x) => x.posted);
  posted[role] += sent.length;

  // Wait until the last message (or marker) has been handled, then a little longer: nothing more may come.
  const total = markers ? sent.length + results.length : sent.length;
  const lastMarker = `"Marker" / "m-${results.length - 1}"`;
  const done = (ds) => (markers ? ds.some((d) => d.detail?.includes(lastMarker)) : ds.length >= total);
  const deadline = Date.now() + 60000;
  let diags;
  while (!done(diags = (await r.diags()).slice(diagsBefore))) {
    assert.ok(Date.now() < deadline, `${role}: ${diags.length} diagnostics for ${total} messages after 60 s`);
    await new Promise((res) => setTimeout(res, 100));
  }
  await new Promise((res) => setTimeout(res, 300));
  diags = (await r.diags()).slice(diagsBefore);

  const wrong = [];
  if (markers) {
    // Split the diagnostics at the markers: group i is what entry i caused.
    const groups = [[]];
    for (const d of diags) {
      const m = /"Marker" \/ "m-(\d+)"/.exec(d.detail || "");
      if (m && d.reason === "UNKNOWN_TOPIC") {
        assert.equal(Number(m[1]), groups.length - 1, "markers arrive in order");
        groups.push([]);
      } else {
        groups[groups.length - 1].push(d);
      }
    }
    assert.equal(groups.length - 1, results.length, "every marker arrived");
    results.forEach((m, i) => {
      const got = groups[i];
      if (!m.posted) {
        if (got.length) wrong.push(`${m.name} (not posted): got ${got.map((d) => d.reason).join(", ")}`);
        return;
      }
      if (got.length !== 1 || !m.expect.includes(got[0].reason)) {
        wrong.push(`${m.name}: got ${got.length ? got.map((d) => `${d.reason} (${d.detail})`).join(", ") : "no diagnostic"}, want one ${m.expect.join(" or ")}`);
      }
    });
  } else {
    assert.equal(diags.length, sent.length, `${role}: one diagnostic per message`);
    sent.forEach((m, i) => {
      const d = diags[i];
      if (d.reason !== reason || d.origin !== origin) {
        wrong.push(`${m.name}: got ${d.reason} from ${d.origin} (${d.detail}), want ${reason} from ${origin}`);
      }
    });
  }
  // The counters account for every message (and marker), by reason.
  const delta = countsDelta(countsBefore, await r.counts());
  const tallied = tally(diags.map((d) => d.reason));
  if (JSON.stringify(Object.entries(delta).sort()) !== JSON.stringify(Object.entries(tallied).sort())) {
    wrong.push(`counts grew by ${JSON.stringify(delta)} but the diagnostics were ${JSON.stringify(tallied)}`);
  }
  // The other role heard nothing: the attacked role answered none of them (a protocol-version complaint about a
  // message of another version is the one designed answer). No call, agent or snapshot callback ran.
  for (const d of (await r.other()).slice(otherBefore)) {
    if (d.reason !== "VERSION_MISMATCH") wrong.push(`the ${role === "crm" ? "softphone" : "CRM"} reported ${d.reason} (${d.detail}) in response`);
  }
  const ran = await crmCallbacks();
  if (ran !== callbacks) wrong.push(`${ran - callbacks} InboundCallStateChange, AgentStateChange or Snapshot callbacks ran`);
  assert.deepEqual(wrong, [], `${role}: messages not refused as they should be`);
  const entryReasons = markers ? diags.filter((d) => !/"Marker" \//.test(d.detail || "")) : diags;
  return { sent: sent.length, markers: markers ? results.length : 0, unposted: unposted.map((u) => u.name), reasons: tally(entryReasons.map((d) => d.reason)) };
}

function report(label, { sent, markers, unposted, reasons }) {
  console.log(`# ${label}: ${sent} messages posted${unposted.length ? `, ${unposted.length} refused by postMessage itself (${unposted.join("; ")})` : ""}` +
    `${markers ? ` (+${markers} markers)` : ""} → ${JSON.stringify(reasons)}`);
}

// --- at the CRM page's window ---------------------------------------------------------------------------------

test("CRM role: a third-party site's frame", async () => {
  report("crm ← third-party frame", await barrage({ role: "crm", from: attackers["third-party"], target: "parent", reason: "WRONG_ORIGIN", origin: third.origin }));
});

test("CRM role: a sandboxed null-origin frame", async () => {
  report("crm ← sandboxed frame", await barrage({ role: "crm", from: attackers.sandboxed, target: "parent", reason: "WRONG_ORIGIN", origin: "null" }));
});

test("CRM role: a frame of another origin of the same site", async () => {
  report("crm ← same-site frame", await barrage({ role: "crm", from: attackers["same-site"], target: "parent", reason: "WRONG_ORIGIN", origin: sibling.origin }));
});

test("CRM role: a frame of the softphone's origin that is not the softphone", async () => {
  report("crm ← softphone-origin frame", await barrage({
    role: "crm", from: attackers["softphone-origin"], target: "parent", targetOrigin: deployment.sites.crm.origin,
    reason: "WRONG_SOURCE", origin: deployment.sites.softphone.origin,
  }));
});

test("CRM role: the CCP frame inside the softphone, posting to the top window", async () => {
  report("crm ← CCP frame", await barrage({ role: "crm", from: emulator, target: "top", reason: "WRONG_ORIGIN", origin: deployment.sites.emulator.origin }));
});

test("CRM role: the softphone's own window posting garbage", async () => {
  report("crm ← softphone window", await barrage({
    role: "crm", from: softphone, target: "parent", targetOrigin: deployment.sites.crm.origin, reason: null,
  }));
});

// --- at the softphone frame's window ---------------------------------------------------------------------------

test("softphone role: a third-party site's frame beside it", async () => {
  report("softphone ← third-party frame", await barrage({
    role: "softphone", from: attackers["third-party"], target: "parent.frames:0", targetOrigin: deployment.sites.softphone.origin,
    reason: "WRONG_ORIGIN", origin: third.origin,
  }));
});

test("softphone role: a sandboxed null-origin frame", async () => {
  report("softphone ← sandboxed frame", await barrage({
    role: "softphone", from: attackers.sandboxed, target: "parent.frames:0", reason: "WRONG_ORIGIN", origin: "null",
  }));
});

test("softphone role: a frame of another origin of the same site", async () => {
  report("softphone ← same-site frame", await barrage({
    role: "softphone", from: attackers["same-site"], target: "parent.frames:0", targetOrigin: deployment.sites.softphone.origin,
    reason: "WRONG_ORIGIN", origin: sibling.origin,
  }));
});

test("softphone role: a frame of the CRM's origin that is not its parent", async () => {
  report("softphone ← crm-origin frame", await barrage({
    role: "softphone", from: attackers["crm-origin"], target: "parent.frames:0", targetOrigin: deployment.sites.softphone.origin,
    reason: "WRONG_SOURCE", origin: deployment.sites.crm.origin,
  }));
});

test("softphone role: a third-party widget inside the softphone page", async () => {
  report("softphone ← widget inside it", await barrage({
    role: "softphone", from: attackers["softphone-widget"], target: "parent", reason: "WRONG_ORIGIN", origin: third.origin,
  }));
});

test("softphone role: the CRM page (its parent) posting garbage", async () => {
  report("softphone ← crm window", await barrage({
    role: "softphone", from: page.mainFrame(), target: "element:softphone", targetOrigin: deployment.sites.softphone.origin,
    reason: null,
  }));
});

// --- after all of them ---------------------------------------------------------------------------------------

test("after all of them: no call, agent or snapshot callback saw any of them", async () => {
  console.log(`# hostile messages posted: ${posted.crm} at the CRM role, ${posted.softphone} at the softphone role`);
  assert.ok(posted.crm >= 40 && posted.softphone >= 40, "at least 40 hostile messages at each role");
  const seen = await page.evaluate((n) => globalThis.__events.filter((e) => e.name !== "diagnostic").slice(n), callbacksBefore);
  assert.deepEqual(seen, [], "no InboundCallStateChange, AgentStateChange or Snapshot callback saw any of them");
});

test("after all of them: the emulator recorded no request caused by them", async () => {
  const requests = await emulator.evaluate(() => ccpEmulator.requests());
  const caused = requests.slice(emulatorRequestsBefore).filter((r) => CONTROL_METHODS.has(r.method));
  assert.deepEqual(caused, [], "the emulator recorded no call-control request");
});

test("after all of them: Object.prototype is unpolluted in every frame", async () => {
  for (const frame of allFrames()) {
    assert.deepEqual(await prototypeState(frame), protoBefore.get(frame), `Object.prototype unchanged in ${frame.name() || frame.url()}`);
  }
});

test("after all of them: both Go runtimes are alive and a normal ring → answerCall() works", async () => {
  const crmCounts = await page.evaluate(() => ctibridgeCRM.diagnostics().counts);
  const spCounts = await softphone.evaluate(() => ctibridgeSoftphone.diagnostics().counts);
  console.log(`# crm diagnostics().counts ${JSON.stringify(crmCounts)}`);
  console.log(`# softphone diagnostics().counts ${JSON.stringify(spCounts)}`);
  assert.deepEqual(await page.evaluate(() => ctibridgeCRM.agentState()), { label: "Available", code: "Available", type: "Routable" });

  await emulator.evaluate(() => ccpEmulator.ring({}));
  await waitForEvent(page, (e) => e.name === "InboundCallStateChange" && e.message.call.ResponseActual.type === "agent" &&
    e.message.call.event === "connecting");
  const message = await page.evaluate(() => ctibridgeCRM.answerCall().catch((e) => ({ failed: { type: e.type, reason: e.reason, code: e.code } })));
  assert.equal(message.failed, undefined, `answerCall() failed: ${JSON.stringify(message.failed)}`);
  assert.equal(message.call.event, "connected");
  assert.equal(message.call.ResponseActual.type, "agent");
  const accepts = (await emulator.evaluate(() => ccpEmulator.requests())).filter((r) => r.method === "acceptContact");
  assert.equal(accepts.length, 1, "exactly one accept, the real one");
  await page.waitForSelector("button.hold:not([hidden]):not([disabled])", { timeout: 10000 });

  // Streams' own SDK listener in the softphone window (listenForInitialMessage → verifyOrigin) throws on
  // messages whose data is null or has no type: that is amazon-connect-streams 2.28.2, not the bridge, and it
  // does not stop Streams. Any other page error fails the test.
  const ours = pageErrors.filter((e) => !/verifyOrigin[\s\S]*connect-streams-min\.js|connect-streams-min\.js[\s\S]*listenForInitialMessage/.test(String(e.stack)));
  assert.deepEqual(ours, []);
  assert.ok(!consoleErrors.some((t) => /exited/i.test(t)), "no exited runtime on the console");
});

test("after all of them: no message made Go panic (a recovered panic is still a bug)", async () => {
  const crmCounts = await page.evaluate(() => ctibridgeCRM.diagnostics().counts);
  const spCounts = await softphone.evaluate(() => ctibridgeSoftphone.diagnostics().counts);
  assert.deepEqual(consoleErrors, [], "no panic on the console");
  assert.equal(crmCounts.PANIC, undefined, "no recovered panic in the CRM");
  assert.equal(spCounts.PANIC, undefined, "no recovered panic in the softphone");
});

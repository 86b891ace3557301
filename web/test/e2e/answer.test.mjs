// Answer a call end to end: the demo CRM page (crm role) on one origin, the softphone page (softphone role,
// real amazon-connect-streams) on a second, the CCP emulator on a third, in headless Chromium.
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openDemo, useDeployment, waitForEvent } from "../lib/deployment.mjs";

const repo = (p) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const env = useDeployment();

// The vendor sample's message.call with everything that identifies one call or one moment blanked out.
function comparable(call) {
  const c = structuredClone(call);
  c.id = c.ResponseActual.connectionId = c.ResponseActual.contactId = "<id>";
  c.ResponseActual.statusTimestamp = c.ResponseFields.CurrentStateTime = "<time>";
  c.ResponseFields.MediaProperties.queueTimestamp = "<time>";
  return c;
}

async function sampleCall() {
  const text = (await readFile(repo("core/testdata/answer-response.json"), "utf8"));
  return JSON.parse(text).message.call;
}

test("ring, answerCall() through real Streams, connected event matches the vendor sample", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1300, height: 820 } });
  try {
    const { page, emulator, errors } = await openDemo(context, env.deployment);
    await emulator.evaluate(() => ccpEmulator.ring({ ani: "+161081111", dnis: "+16013261548", queue: "InboundTest" }));

    const ringing = await waitForEvent(page, (e) => e.name === "InboundCallStateChange" &&
      e.message.call.ResponseActual.type === "agent" && e.message.call.event === "connecting");
    const items = ringing.message.call.ButtonStates.items;
    assert.equal(items.answer, "Enable");
    assert.equal(items.reject, "Enable");
    assert.equal(ringing.message.call.CallVariables.ANI, "+161081111");
    await page.waitForSelector("button.answer:not([hidden]):not([disabled])");

    const message = await page.evaluate(() => ctibridgeCRM.answerCall());
    assert.deepEqual(comparable(message.call), comparable(await sampleCall()));
    assert.equal(message.source, "event");

    const requests = await emulator.evaluate(() => ccpEmulator.requests());
    assert.equal(requests.filter((r) => r.method === "acceptContact").length, 1, "the emulator saw exactly one accept");
    assert.deepEqual(errors, []);

    const pageCheck = await page.evaluate(async () => (await import("/ctibridge.js")).selfTest());
    assert.deepEqual(pageCheck, { ok: true, checks: [{ name: "webassembly", ok: true, detail: "this page may compile WebAssembly" }] });
    const report = await page.evaluate(() => ctibridgeCRM.selfTest());
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(report.checks.map((c) => c.name), ["webassembly", "softphone", "streams"]);

    // The flight recorder: envelopes both ways and call bar changes, with no phone number in it.
    const recording = await page.evaluate(() => ctibridgeCRM.flightRecorder());
    const kinds = new Set(recording.entries.map((e) => e.kind));
    assert.ok(kinds.has("in") && kinds.has("out") && kinds.has("buttons"), [...kinds].join());
    assert.ok(!JSON.stringify(recording).includes("161081111"), "ANI masked");
    assert.ok(!JSON.stringify(recording).includes("16013261548"), "DNIS masked");

    // The demo during the connected call: kept under .tmp, and in web/docs when SCREENSHOTS=update.
    await page.waitForSelector("button.hold:not([hidden])");
    await page.waitForTimeout(300);
    await mkdir(repo(".tmp/screenshots"), { recursive: true });
    await page.screenshot({ path: repo(".tmp/screenshots/demo-connected.png") });
    if (process.env.SCREENSHOTS === "update") {
      await page.screenshot({ path: repo("web/docs/demo-connected.png") });
    }
  } finally {
    await context.close();
  }
});

test("an accept that Amazon Connect refuses rejects with ANSWER_CALL_FAILED and Amazon's message", async () => {
  const context = await env.browser.newContext();
  try {
    const { page, emulator } = await openDemo(context, env.deployment);
    await emulator.evaluate(() => ccpEmulator.ring({}));
    await waitForEvent(page, (e) => e.name === "InboundCallStateChange" && e.message.call.event === "connecting");
    const amazon = "AgentNotAvailable: the agent is not available to take this contact";
    await emulator.evaluate((m) => ccpEmulator.failNext("acceptContact", m), amazon);
    const err = await page.evaluate(() => ctibridgeCRM.answerCall().then(
      () => null, (e) => ({ isError: e instanceof Error, type: e.type, code: e.code, message: e.message, reason: e.reason })));
    assert.deepEqual(err, { isError: true, type: "ANSWER_CALL_FAILED", code: amazon, message: "Answering call failed.", reason: "AMAZON_CONNECT" });
    const requests = await emulator.evaluate(() => ccpEmulator.requests());
    assert.equal(requests.filter((r) => r.method === "acceptContact").length, 1);
  } finally {
    await context.close();
  }
});

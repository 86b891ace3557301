// Interoperability with peers that know only the vendor's Answer Call page: a CRM with no ctibridge code drives
// the project's softphone role, and the project's crm role drives a softphone with no ctibridge code.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openPlainCRM, useDeployment, waitForFrame } from "../lib/deployment.mjs";

const env = useDeployment();

const sample = async () => JSON.parse(await readFile(fileURLToPath(new URL("../../../core/testdata/answer-response.json", import.meta.url)), "utf8"));

test("a CRM that is not part of the project answers a call through the softphone role", async () => {
  const context = await env.browser.newContext();
  try {
    const { page, emulator: frame } = await openPlainCRM(context, env.deployment);
    await frame.evaluate(() => ccpEmulator.ring({}));
    await page.waitForFunction(() => window.received.some((m) => m.message?.call?.event === "connecting"), null, { timeout: 10000 });
    await page.evaluate(() => window.answer());
    const connected = await (await page.waitForFunction(() => window.received.find((m) =>
      m.message?.call?.event === "connected" && m.message.call.ResponseActual.type === "agent"), null, { timeout: 10000 })).jsonValue();
    const want = (await sample()).message.call;
    const got = connected.message.call;
    for (const key of Object.keys(want)) {
      assert.ok(key in got, `message.call.${key} present`);
    }
    assert.deepEqual(got.ButtonStates, want.ButtonStates);
    assert.equal(got.ResponseActual.previousStatus, "connecting");
    assert.equal(connected.subtopic, "InboundCallStateChange");
    assert.equal(connected.requestId, undefined, "a request without an id gets events without one");
    const accepts = (await frame.evaluate(() => ccpEmulator.requests())).filter((r) => r.method === "acceptContact");
    assert.equal(accepts.length, 1);
  } finally {
    await context.close();
  }
});

test("the crm role answers through a softphone that is not part of the project", async () => {
  const { crm, softphone } = env.deployment.sites;
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const vendor = `${softphone.url("/test/fixtures/interop/plain-softphone.html")}?crm=${crm.origin}`;
    await page.goto(`${crm.url("/test/fixtures/interop/crm-role.html")}?softphone=${vendor}`);
    await page.waitForFunction(() => window.bridge && window.bridge.buttons().answer.state === "Enable", null, { timeout: 15000 });
    const message = await page.evaluate(() => window.bridge.answerCall());
    assert.deepEqual(message, (await sample()).message, "resolves with the vendor sample's message, unchanged");
    const diags = await page.evaluate(() => window.events.filter((e) => e.name === "diagnostic").map((e) => e.message.reason));
    assert.deepEqual(diags, [], "the sample agrees with the ButtonStates table: no drift");

    // The same softphone failing: the vendor's error envelope, without a request id, ends the request.
    const failing = `${softphone.url("/test/fixtures/interop/plain-softphone.html")}?crm=${crm.origin}&fail=AgentNotAvailable`;
    await page.goto(`${crm.url("/test/fixtures/interop/crm-role.html")}?softphone=${failing}`);
    await page.waitForFunction(() => window.bridge && window.bridge.buttons().answer.state === "Enable", null, { timeout: 15000 });
    const err = await page.evaluate(() => window.bridge.answerCall().then(() => null, (e) => ({ type: e.type, code: e.code, message: e.message })));
    assert.deepEqual(err, { type: "ANSWER_CALL_FAILED", code: "AgentNotAvailable", message: "Answering call failed." });
  } finally {
    await context.close();
  }
});

test("the crm role loaded while a call rings answers it through a softphone that is not part of the project", async () => {
  const { crm, softphone } = env.deployment.sites;
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const vendor = `${softphone.url("/test/fixtures/interop/plain-softphone.html")}?crm=${crm.origin}`;
    await page.goto(`${crm.url("/test/fixtures/interop/crm-role.html")}?softphone=${vendor}#late`);
    await page.waitForFunction(() => window.bridge);
    // The ringing event was posted before the bridge listened, and this softphone has no handshake to repeat it:
    // the bridge holds no state, so it asks the softphone instead of refusing.
    assert.equal(await page.evaluate(() => window.bridge.buttons().answer.state), "Hide");
    const message = await page.evaluate(() => window.bridge.answerCall());
    assert.deepEqual(message, (await sample()).message, "resolves with the vendor sample's message, unchanged");
    const frame = await waitForFrame(page, (x) => x.parentFrame() !== null && x.url().includes("/interop/plain-softphone.html"));
    const subtopics = await frame.evaluate(() => window.requests.map((r) => r.subtopic));
    assert.ok(subtopics.includes("Answer"), `the softphone got the Answer: ${subtopics}`);
    assert.equal(await page.evaluate(() => window.bridge.buttons().answer.state), "Hide", "answered");
    assert.equal(await page.evaluate(() => window.bridge.buttons().consult.state), "Enable");
  } finally {
    await context.close();
  }
});

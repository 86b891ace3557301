// The crm role driving a softphone that speaks only the vendor's pages (fixtures/interop/vendor-softphone.js):
// no acknowledgements, no request ids. Every method resolves with the event its request causes, and rejects with
// the vendor's error envelope's type, code and message.
import assert from "node:assert/strict";
import { test } from "node:test";
import { useDeployment, waitForFrame } from "../lib/deployment.mjs";

const env = useDeployment();

async function open(context, fail = "") {
  const { crm, softphone } = env.deployment.sites;
  const page = await context.newPage();
  const vendor = `${softphone.url("/test/fixtures/interop/vendor-softphone.html")}?crm=${crm.origin}&fail=${fail}`;
  await page.goto(`${crm.url("/test/fixtures/interop/crm-role.html")}?softphone=${vendor}`);
  await page.waitForFunction(() => window.bridge);
  const frame = await waitForFrame(page, (x) => x.parentFrame() !== null && x.url().includes("/interop/vendor-softphone.html"));
  await frame.waitForFunction(() => window.requests);
  return { page, frame };
}

// call runs bridge[method](...args) in the page: {ok, value} or {ok: false, error: {type, code, message, reason}}.
const call = (page, method, ...args) => page.evaluate(([m, a]) => window.bridge[m](...a).then(
  (value) => ({ ok: true, value }), (e) => ({ ok: false, error: { type: e.type, code: e.code, message: e.message, reason: e.reason } })), [method, args]);

test("every method of the crm role resolves from the event its request causes at a vendor softphone", async () => {
  const context = await env.browser.newContext();
  try {
    const { page, frame } = await open(context);
    const last = () => frame.evaluate(() => window.requests.filter((r) => r.topic !== "Bridge").at(-1)); // the Hello repeats: a vendor softphone never answers it
    const steps = [
      ["login", [], "Login", (v) => assert.equal(v.loginState, "LoggedIn")],
      ["setNotReady", ["Lunch"], "SetNotReady", (v) => assert.equal(v.data.reasonCode.id, "Lunch")],
      ["updateState", [{ label: "Available", code: "Available", type: "routable" }], "UpdateState", (v) => assert.equal(v.data.state, "Ready")],
      ["mute", [], "Mute", (v) => assert.equal(v.data.muted, true)],
      ["unmute", [], "Unmute", (v) => assert.equal(v.data.muted, false)],
      ["getAgentState", [], "GetAgentState", (v) => assert.equal(v.event, "Available")],
      ["stateSync", ["App"], "StateSync", (v) => assert.equal(v.initState, "Loaded")],
      ["makeCall", ["+15555550100"], "SetMakeCall", (v) => assert.equal(v.call.ResponseActual.contactId, "contact-1")],
      ["holdCall", [], "Hold", (v) => assert.equal(v.call.ResponseActual.status, "hold")],
      ["resumeCall", [], "Resume", (v) => assert.equal(v.call.ResponseActual.status, "connected")],
      ["sendDigits", ["12#"], "SendDTMF", (v) => assert.equal(v, null)],
      ["disconnectCall", [], "Disconnect", (v) => assert.equal(v.call.ResponseActual.type, "agent")],
      ["clearContact", [], "ClearContact", (v) => assert.equal(v.call.ResponseActual.status, "disconnected")],
      ["makeCall", ["+15555550111"], "SetMakeCall", (v) => assert.equal(v.call.ResponseActual.contactId, "contact-2")],
      ["blindTransfer", ["+15555550122"], "Blindtransfer", (v) => assert.equal(v.call.ResponseActual.status, "disconnected")],
      ["logout", [], "Logout", (v) => assert.equal(v.loginState, "LoggedOut")],
    ];
    for (const [method, args, subtopic, check] of steps) {
      const res = await call(page, method, ...args);
      assert.ok(res.ok, `${method}: ${JSON.stringify(res.error)}`);
      const req = await last();
      assert.equal(req.subtopic, subtopic, `${method} sent ${subtopic}`);
      assert.equal(req.requestId !== undefined, true, "ctibridge's optional request id rides along; the softphone ignores it");
      check(res.value);
    }
    const sent = await frame.evaluate(() => window.requests.filter((r) => r.subtopic === "Hold")[0]);
    assert.equal(sent.data, "agent-1", "Hold names the agent's own connection, as the vendor's sample does");
    const dtmf = await frame.evaluate(() => window.requests.find((r) => r.subtopic === "SendDTMF"));
    assert.equal(dtmf.data, "12#");
  } finally {
    await context.close();
  }
});

test("the vendor's error envelope rejects the crm role's request with its type, code and message", async () => {
  const context = await env.browser.newContext();
  try {
    const { page } = await open(context, "SetNotReady,SetMakeCall,Login");
    for (const [method, args, subtopic] of [["login", [], "Login"], ["setNotReady", ["Lunch"], "SetNotReady"], ["makeCall", ["+15555550100"], "SetMakeCall"]]) {
      const res = await call(page, method, ...args);
      assert.equal(res.ok, false, `${method} rejected`);
      assert.deepEqual({ type: res.error.type, code: res.error.code, message: res.error.message },
        { type: "VENDOR_FAILED", code: "FailedByTest", message: `${subtopic} failed at the vendor.` });
    }
  } finally {
    await context.close();
  }
});

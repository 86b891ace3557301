// A softphone frame embedded cross-site, with third-party storage blocked: Streams' initCCP needs localStorage,
// so load() must reject at once, with an error that names the cause and what to do. (Chromium 156 blocks it in
// cross-site frames even with the restriction off, as its third-party cookie phase-out does: a softphone must
// be served from the CRM's own site, as make demo and the other tests do.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { useDeployment, waitForFrame } from "../lib/deployment.mjs";

const env = useDeployment({ softphoneHost: "localhost" });

async function openCRM(blockThirdPartyStorage) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  // What a user's "Block third-party cookies" does (on or off): with it, cross-site frames lose localStorage.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.setCookieControls", {
    enableThirdPartyCookieRestriction: blockThirdPartyStorage, disableThirdPartyCookieMetadata: false, disableThirdPartyCookieHeuristics: true,
  });
  await page.goto(env.deployment.crmUrl);
  const softphone = await waitForFrame(page, (x) => x.url().includes("/softphone.html"));
  return { context, page, softphone };
}

test("blocked third-party storage: the softphone's load() rejects at once, naming the cause", async () => {
  const { context, softphone } = await openCRM(true);
  try {
    const status = await softphone.waitForFunction(() => {
      const el = document.getElementById("status");
      return el.classList.contains("error") && el.textContent;
    }, null, { timeout: 15000 });
    const text = await status.jsonValue();
    assert.match(text, /localStorage is blocked/);
    assert.match(text, /third-party storage/);
    assert.match(text, /troubleshooting/);
    // At once: the check runs before initCCP, whose retries would take minutes; no CCP iframe means it never ran.
    // (Counted, not timed: a loaded machine must not fail this.)
    assert.equal(await softphone.evaluate(() => document.querySelectorAll("iframe").length), 0, "initCCP was never called");
    // What load() rejects with: reason NOT_READY (Streams cannot start in this frame, not a wrong option), and no
    // chained .cause.
    const err = await softphone.evaluate(() => import("./ctibridge.js").then(({ load }) => load({ role: "softphone",
      ccpUrl: "https://example.my.connect.aws/ccp-v2/", crmOrigins: [location.origin], container: document.body }))
      .then(() => null, (e) => ({ type: e.type, reason: e.reason, cause: e.cause })));
    assert.deepEqual(err, { type: "LOAD_FAILED", reason: "NOT_READY", cause: undefined });
  } finally {
    await context.close();
  }
});

test("the CRM's selfTest names the blocked storage of its softphone", async () => {
  const { context, page } = await openCRM(true);
  try {
    await page.waitForFunction(() => globalThis.ctibridgeCRM, null, { timeout: 15000 });
    // selfTest waits 3 s for the softphone; a loaded machine may not have started the softphone's frame by then,
    // which selfTest reports as such. Ask again until the softphone has answered (the test's timeout bounds it).
    let report, softphone;
    do {
      report = await page.evaluate(() => ctibridgeCRM.selfTest());
      softphone = report.checks.find((c) => c.name === "softphone");
    } while (/never answered/.test(softphone.detail));
    assert.equal(report.ok, false);
    assert.equal(softphone.ok, false);
    assert.match(softphone.detail, /localStorage is blocked/);
    const err = await page.evaluate(() => ctibridgeCRM.answerCall().then(() => null, (e) => ({ type: e.type, reason: e.reason })));
    assert.deepEqual(err, { type: "ANSWER_CALL_FAILED", reason: "NOT_READY" });
  } finally {
    await context.close();
  }
});

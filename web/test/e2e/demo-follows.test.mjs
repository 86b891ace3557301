// The demo CRM page follows the agent through a call and a resync: each test drives the demo as an agent would and
// asserts what the two ButtonStates tables say it must draw (web/docs/buttonstates.md, agentbuttons.md).
import assert from "node:assert/strict";
import { test } from "node:test";
import { openDemo, useDeployment } from "../lib/deployment.mjs";

const env = useDeployment();

/** Waits until the control selector is drawn with state (Hide, Disable or Enable); fails with what it shows. */
async function waitForDrawn(page, selector, state, why) {
  const drawn = ([sel, st]) => document.querySelector(sel)?.dataset.state === st;
  await page.waitForFunction(drawn, [selector, state], { timeout: 15000 }).catch(async () => {
    const seen = await page.evaluate((sel) => document.querySelector(sel)?.dataset.state, selector);
    assert.fail(`${why}: ${selector} never drawn ${state}, still ${seen}`);
  });
}

test("the softphone pushes SetAgentState as Amazon Connect moves the agent through a call: the demo's Call and state menu follow it (C1, C2, C4, R1)", async () => {
  const context = await env.browser.newContext();
  try {
    const { page, emulator } = await openDemo(context, env.deployment);
    await waitForDrawn(page, ".dial-card button.make-call", "Enable", "R1 at start");
    await emulator.evaluate(() => ccpEmulator.ring({}));
    await waitForDrawn(page, "#callbar button.answer", "Enable", "A1");
    // The agent is PendingBusy: the softphone must push SetAgentState with C1 (no state change, no call out).
    await waitForDrawn(page, ".dial-card button.make-call", "Disable", "C1, ringing");
    await page.click("#callbar button.answer");
    await waitForDrawn(page, "#callbar button.hold", "Enable", "P2");
    await waitForDrawn(page, ".dial-card button.make-call", "Disable", "C2, on the call");
    await page.click("#callbar button.disconnect");
    await waitForDrawn(page, "#callbar button.clearContact", "Enable", "A5");
    await waitForDrawn(page, ".dial-card button.make-call", "Disable", "C4, after-call work");
    await page.click("#callbar button.clearContact");
    await waitForDrawn(page, "#callbar button.clearContact", "Hide", "no contact");
    await waitForDrawn(page, ".dial-card button.make-call", "Enable", "R1, back to Available");
    assert.equal(await page.locator("#agent-state").inputValue(), "Available");
  } finally {
    await context.close();
  }
});

test("agentState().type stays the vendor page's label (Routable) after Agent/StateSync", async () => {
  const context = await env.browser.newContext();
  try {
    const { page } = await openDemo(context, env.deployment);
    // openDemo waits for label Available; the demo asks Agent/StateSync as it connects, as a vendor CRM does.
    await page.waitForSelector("#login-state.loggedin", { timeout: 15000 });
    await page.evaluate(() => ctibridgeCRM.stateSync("Agent"));
    assert.deepEqual(await page.evaluate(() => ctibridgeCRM.agentState()), { label: "Available", code: "Available", type: "Routable" });
  } finally {
    await context.close();
  }
});

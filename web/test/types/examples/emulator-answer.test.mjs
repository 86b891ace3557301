// A CRM team's own end-to-end test: the CRM page, its softphone page with ccpUrl pointing at the CCP emulator,
// real Streams in between. Ring a call in the emulator, answer it with the CRM page's own button.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chromium } from "playwright-core";

const crmUrl = process.env.CRM_URL ?? "http://127.0.0.1:8000/demo/index.html"; // your CRM page

test("the agent answers a ringing call from the CRM page", async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM }); // or Playwright's own browser
  try {
    const page = await browser.newPage();
    await page.goto(crmUrl);
    // The emulator is the CCP frame inside the softphone frame: find it, and wait until the agent is signed in.
    let ccp;
    while (!(ccp = page.frames().find((f) => f.url().includes("/emulator/index.html")))) await page.waitForTimeout(50);
    await ccp.waitForFunction(() => globalThis.ccpEmulator?.snapshot()?.snapshot.state.name === "Available");

    await ccp.evaluate(() => globalThis.ccpEmulator.ring({ ani: "+15555550100", queue: "Support" }));
    await page.getByRole("button", { name: "Answer" }).click();
    await ccp.waitForFunction(() => globalThis.ccpEmulator.snapshot().snapshot.contacts[0]?.state.type === "connected");
    const requests = await ccp.evaluate(() => globalThis.ccpEmulator.requests());
    assert.equal(requests.filter((r) => r.method === "acceptContact").length, 1);
  } finally {
    await browser.close();
  }
});

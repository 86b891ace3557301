// Contact attributes a deployer allows (softphone.config.js contactAttributes) reach a CRM that knows only the
// vendor's pages, in ExtendedCallVariables and InboundCall/StateSync's attributes; the others never leave the
// softphone (issue 14).
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPlainCRM, useDeployment } from "../lib/deployment.mjs";

const env = useDeployment({ softphone: { contactAttributes: ["customerId"] } });

test("a vendor-page CRM gets the allowed contact attributes, and only those", async () => {
  const context = await env.browser.newContext();
  try {
    const { page, emulator } = await openPlainCRM(context, env.deployment);

    await emulator.evaluate(() => ccpEmulator.ring({ attributes: { customerId: "C-1043", secret: "s3cr3t-value" } }));
    const ring = await (await page.waitForFunction(() => window.received.find((m) => m.message?.call?.event === "connecting"),
      null, { timeout: 10000 })).jsonValue();
    assert.deepEqual(ring.message.call.ExtendedCallVariables, { customerId: "C-1043" });

    await page.evaluate(() => window.send({ topic: "InboundCall", subtopic: "StateSync" }));
    const sync = await (await page.waitForFunction(() => window.received.find((m) => m.topic === "InboundCall" && m.subtopic === "StateSync"),
      null, { timeout: 10000 })).jsonValue();
    assert.deepEqual(sync.message.attributes, [
      { name: "ANI", value: "+161081111" },
      { name: "DNIS", value: "+16013261548" },
      { name: "customerId", value: "C-1043" },
    ]);

    const received = await page.evaluate(() => JSON.stringify(window.received));
    assert.ok(!received.includes("s3cr3t") && !received.includes("secret"), "an attribute not allowed reached the CRM");
    for (const m of await page.evaluate(() => window.received.filter((m) => m.message?.call))) {
      assert.deepEqual(m.message.call.ExtendedCallVariables, { customerId: "C-1043" }, `${m.message.call.ResponseActual.type} ${m.message.call.event}`);
    }
  } finally {
    await context.close();
  }
});

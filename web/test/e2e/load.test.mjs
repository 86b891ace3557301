// What load() rejects with when the module cannot start: the reason itself, not the Go runtime's exit that
// follows it (wasm/register.go hands the loader its error before main returns).
import assert from "node:assert/strict";
import { test } from "node:test";
import { useDeployment } from "../lib/deployment.mjs";

const env = useDeployment();

test("ctibridge.js and ctibridge.wasm of different versions: load() rejects saying so", async () => {
  const { crm } = env.deployment.sites;
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    // A loader of another version: its boot object's fastPath does not give the module what it expects.
    await page.route(crm.url("/ctibridge.js"), async (route) => {
      const text = await (await route.fetch()).text();
      const other = text.replace("fastPath: (pump) => fastPath(instance.exports, pump)", "fastPath: () => undefined");
      assert.notEqual(other, text, "the loader's boot object changed shape: update this test");
      await route.fulfill({ body: other, contentType: "text/javascript" });
    });
    await page.route(crm.url("/blank.html"), (route) => route.fulfill({ body: "<!doctype html><title>blank</title>", contentType: "text/html" }));
    await page.goto(crm.url("/blank.html"));
    const attempt = (url) => import(url).then(({ load }) => load({ role: "crm" })).then(() => null, (e) => ({
      isError: e instanceof Error, type: e.type, message: e.message, reason: e.reason,
      cause: e.cause instanceof Error ? e.cause.message : typeof e.cause,
    }));
    const first = await page.evaluate(attempt, crm.url("/ctibridge.js"));
    assert.equal(first.isError, true);
    assert.equal(first.type, "LOAD_FAILED");
    assert.match(first.message, /^ctibridge\.wasm could not start: .*different versions/);
    assert.match(first.cause, /different versions/, "the module's own error is chained as .cause");
    assert.equal(first.reason, undefined);
    // The runtime has exited since: a later load() says the same, not only that it exited.
    const again = await page.evaluate(attempt, crm.url("/ctibridge.js"));
    assert.deepEqual(again, first);
  } finally {
    await context.close();
  }
});

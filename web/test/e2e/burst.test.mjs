// Bursts through the real softphone role: a softphone page runs the real loader and wasm on a fake
// amazon-connect-streams (fixtures/hostile/fake-softphone.js) that pushes one agent snapshot per customer-leg
// state change (hold, connected, hold, ...) as fast as the bridge takes them; a bare CRM page
// (fixtures/hostile/crm.js) counts what its InboundCallStateChange callback receives and checks the order.
//
// 10,000 events in one synchronous burst must all arrive, in order. 100,000 more must leave the listener counts
// and the wasm memory of both pages flat. The test prints the figures.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch } from "../lib/browser.mjs";
import { startSites } from "../lib/sites.mjs";
import { FIXTURES, until } from "../fixtures/hostile/harness.mjs";

const BURST = 10_000;
const LONG_RUN = 100_000;
const CHUNK = 10_000;
// How much wasm memory may grow over the long run. Go's linear memory never shrinks; a leak of even 100 bytes per
// event would grow it by 10 MB over 100,000 events.
const WASM_GROWTH_LIMIT = 2 << 20;

let browser;
let sites;
let context;
let page;
let softphone;

before(async () => {
  browser = await launch({ args: ["--enable-precise-memory-info"] });
  sites = await startSites();
  context = await browser.newContext();
  page = await context.newPage();
  const softphoneUrl = sites.softphone.url(`${FIXTURES}/fake-softphone.html?persist=&startDelay=0&crm=${sites.crm.origin}`);
  await page.goto(sites.crm.url(`${FIXTURES}/crm.html?softphone=${encodeURIComponent(softphoneUrl)}`));
  await page.waitForFunction(() => globalThis.ctibridgeCRM?.agentState()?.label === "Available", null, { timeout: 20000 });
  softphone = page.frames().find((f) => f.url().startsWith(sites.softphone.origin));
  await softphone.waitForFunction(() => globalThis.ctibridgeSoftphone, null, { timeout: 20000 });
  await softphone.evaluate(() => { fakeCCP.ring(); fakeCCP.accept(); });
  await page.waitForFunction(() => ctibridgeCRM.buttons().hold.state === "Enable", null, { timeout: 10000 });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await sites?.close();
});

async function resources() {
  const crm = await page.evaluate(() => ({ ...__resources(), listeners: ctibridgeCRM.diagnostics().listeners }));
  const sp = await softphone.evaluate(() => ({ ...__resources(), listeners: ctibridgeSoftphone.diagnostics().listeners }));
  return { crm, softphone: sp };
}

const mb = (n) => (n === null ? "n/a" : `${(n / 2 ** 20).toFixed(2)} MiB`);

test(`${BURST.toLocaleString("en")} events in one burst all reach the CRM callback, in order`, async () => {
  await page.evaluate(() => Object.assign(rx, { count: 0, customer: 0, outOfOrder: [], kept: [], keep: true, last: "", lastStatus: "", other: {}, diagnostics: [] }));
  const started = Date.now();
  const sent = await softphone.evaluate((n) => fakeCCP.burst(n), BURST);
  const posted = Date.now();
  await until(() => page.evaluate((n) => rx.customer >= n, BURST), `${BURST} events at the CRM`, 180000);
  const received = Date.now();
  await new Promise((r) => setTimeout(r, 500)); // nothing more may come
  const got = await page.evaluate(() => ({ ...rx, kept: undefined, first: rx.kept[0], lastKept: rx.kept.at(-1), n: rx.kept.length,
    alternating: rx.kept.every((k, i) => i === 0 || k[1] !== rx.kept[i - 1][1]),
    increasing: rx.kept.every((k, i) => i === 0 || k[0] > rx.kept[i - 1][0]) }));
  console.log(`# burst: ${BURST} state changes pushed in ${posted - started} ms; all ${got.customer} events at the CRM after ${received - started} ms ` +
    `(${Math.round(BURST / ((received - started) / 1000))} events/s end to end)`);

  assert.equal(got.customer, BURST, "every event reached the callback, none twice");
  assert.equal(got.n, BURST);
  assert.deepEqual(got.outOfOrder, [], "in Streams' order");
  assert.ok(got.increasing && got.alternating, "timestamps strictly increasing, states alternating");
  assert.deepEqual(got.first, [sent.first, "hold"], "the first is the first Streams produced");
  assert.deepEqual(got.lastKept, [sent.last, sent.state], "the last is the last Streams produced");
  assert.deepEqual(got.diagnostics, [], "no gap, stale event or drift was reported");
  assert.equal((await page.evaluate(() => ctibridgeCRM.diagnostics().counts)).SEQUENCE_GAP, undefined);
});

test(`${LONG_RUN.toLocaleString("en")} events leave the listener counts and wasm memory flat`, async () => {
  await page.evaluate(() => Object.assign(rx, { count: 0, customer: 0, outOfOrder: [], kept: [], keep: false, diagnostics: [] }));
  const start = await resources();
  // Both pages are on one site, so they share one renderer process and one JS heap (GC-dependent, for information).
  const rows = [["events", "crm wasm", "softphone wasm", "JS heap (both pages)", "crm bridge.on listeners", "softphone bridge.on listeners",
    "crm window 'message' listeners", "softphone window 'message' listeners"]];
  const row = (n, r) => rows.push([n, mb(r.crm.wasmBytes), mb(r.softphone.wasmBytes), mb(r.crm.jsHeapBytes),
    r.crm.listeners, r.softphone.listeners, r.crm.messageListeners, r.softphone.messageListeners]);
  row(0, start);
  const started = Date.now();
  for (let done = CHUNK; done <= LONG_RUN; done += CHUNK) {
    await softphone.evaluate((n) => fakeCCP.burst(n), CHUNK);
    await until(() => page.evaluate((n) => rx.customer >= n, done), `${done} events at the CRM`, 180000);
    row(done, await resources());
  }
  const elapsed = Date.now() - started;
  const end = await resources();
  console.log(`# long run: ${LONG_RUN} events in ${elapsed} ms (${Math.round(LONG_RUN / (elapsed / 1000))} events/s end to end)`);
  for (const r of rows) console.log(`# ${r.map(String).join(" | ")}`);

  const got = await page.evaluate(() => ({ customer: rx.customer, outOfOrder: rx.outOfOrder, diagnostics: rx.diagnostics }));
  assert.equal(got.customer, LONG_RUN, "every event arrived");
  assert.deepEqual(got.outOfOrder, [], "in order");
  assert.deepEqual(got.diagnostics, []);

  assert.equal(end.crm.listeners, start.crm.listeners, "CRM bridge.on subscriptions flat");
  assert.equal(end.softphone.listeners, start.softphone.listeners, "softphone bridge.on subscriptions flat");
  assert.equal(end.crm.messageListeners, start.crm.messageListeners, "CRM window message listeners flat");
  assert.equal(end.softphone.messageListeners, start.softphone.messageListeners, "softphone window message listeners flat");
  assert.ok(end.crm.wasmBytes - start.crm.wasmBytes <= WASM_GROWTH_LIMIT,
    `CRM wasm memory flat: ${mb(start.crm.wasmBytes)} → ${mb(end.crm.wasmBytes)}`);
  assert.ok(end.softphone.wasmBytes - start.softphone.wasmBytes <= WASM_GROWTH_LIMIT,
    `softphone wasm memory flat: ${mb(start.softphone.wasmBytes)} → ${mb(end.softphone.wasmBytes)}`);
});

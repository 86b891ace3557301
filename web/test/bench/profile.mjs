#!/usr/bin/env node
// make profile: where the bridge's time per event goes, in headless Chromium. It runs the same per-event loops
// as bench.mjs (the CRM: MessageEvents → callback; the softphone: Streams snapshots → envelopes posted) under
// Chromium's sampling profiler, with a module built with its function names, and prints the functions that take
// the time below the bridge's entry point: inclusive (callees counted) and self.
//
//   node web/test/bench/profile.mjs [--events N]     (after make bench, which captures the Streams snapshots)
//
// The profiles are written to .tmp/bench/{crm,softphone}.cpuprofile: open them in Chrome DevTools
// (Performance, "Load profile") for the call tree.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "../lib/browser.mjs";
import { serve } from "../../../scripts/serve.mjs";
import { ISOLATION } from "./isolation.mjs";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const web = path.join(repo, "web");
const outDir = path.join(repo, ".tmp", "bench");
const snapshots = path.join(outDir, "snapshots.json");
const at = process.argv.indexOf("--events");
const N = at > 0 ? Number(process.argv[at + 1]) : 3000;
if (!Number.isInteger(N) || N < 1) {
  console.error("usage: node web/test/bench/profile.mjs [--events N]   (N a positive integer)");
  process.exit(2);
}

async function main() {
  if (!existsSync(snapshots)) throw new Error(`${path.relative(repo, snapshots)} is missing: run make bench first (it captures the Streams snapshots)`);
  // The module as shipped, but with its name section, so that the profile names Go's functions.
  const wasm = path.join(outDir, "profile.wasm");
  execFileSync("go", ["build", "-trimpath", "-o", wasm, "./wasm/cmd/ctibridge"], {
    cwd: repo, stdio: "inherit", env: { ...process.env, GOOS: "js", GOARCH: "wasm" },
  });
  const routes = { "/test/bench/profile.wasm": wasm };
  const site = (host) => serve({ root: web, host, port: 0, headers: ISOLATION, routes });
  const [crm, cross] = await Promise.all([site("127.0.0.1"), site("127.0.0.2")]);
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    page.on("pageerror", (err) => console.error("page error:", err));
    await page.goto(crm.url("/test/bench/crm.html?wasm=/test/bench/profile.wasm"));
    await page.waitForFunction(() => globalThis.bench);
    const childUrl = cross.url(`/test/bench/child.html?wasm=/test/bench/profile.wasm&parent=${encodeURIComponent(crm.origin)}`);
    await page.evaluate(([n, u]) => bench.addFrame(n, u), ["cross", childUrl]);
    const child = page.frames().find((f) => f.url().startsWith(cross.origin));
    await child.waitForFunction(() => globalThis.bench);
    await page.evaluate((n) => bench.connectPort(n), "cross");
    const sample = JSON.stringify(JSON.parse(readFileSync(path.join(repo, "core/testdata/answer-response.json"), "utf8")));
    const init = { ...JSON.parse(readFileSync(snapshots, "utf8")), sample };
    await page.evaluate((d) => bench.init(d), init);
    await child.evaluate((d) => bench.init(d), init);

    // CRM: two warm-up rounds, then one profiled.
    const crmRound = () => page.evaluate(([m, n]) => bench.crmCpu("cross", m, n), ["go", N]).then((r) => (r.ms * 1000) / N);
    for (let i = 0; i < 2; i++) await crmRound();
    await profiled(page, page, "crm", "listener", crmRound);

    // Softphone: the Go softphone attached to a fake Streams; the CRM page's listener is idle.
    await child.evaluate((m) => bench.attach(m), "go");
    const softRound = async () => {
      await child.evaluate((n) => bench.prepare(n), N);
      return ((await child.evaluate(() => bench.cpu())) * 1000) / N;
    };
    for (let i = 0; i < 2; i++) await softRound();
    await profiled(page, child, "softphone", "refresh", softRound);
    await child.evaluate(() => bench.detach());
  } finally {
    await browser.close();
    await Promise.all([crm.close(), cross.close()]);
  }
}

// profiled runs round under the profiler of target's process, writes the profile and prints its summary below
// the function named entry.
async function profiled(page, target, name, entry, round) {
  const cdp = await page.context().newCDPSession(target);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  await cdp.send("Profiler.start");
  const us = await round();
  const { profile } = await cdp.send("Profiler.stop");
  await cdp.detach();
  const file = path.join(outDir, `${name}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  console.log(`\n${name}: ${us.toFixed(1)} µs per event while profiled (${N} events); ${path.relative(repo, file)}`);
  summarise(profile, entry);
}

// summarise prints the 25 functions with the most time below entry, inclusive then self, as a share of it.
function summarise(profile, entry) {
  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const label = (n) => n.callFrame.functionName || `(${path.basename(n.callFrame.url) || "native"})`;
  const inclusive = new Map();
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const stack = [];
    for (let x = id; x !== undefined; x = parent.get(x)) stack.push(label(node.get(x)));
    const depth = stack.indexOf(entry);
    if (depth < 0) return;
    total += dt;
    for (const f of new Set(stack.slice(0, depth + 1))) inclusive.set(f, (inclusive.get(f) || 0) + dt);
    self.set(stack[0], (self.get(stack[0]) || 0) + dt);
  });
  if (total === 0) {
    console.log(`  no samples below ${entry}`);
    return;
  }
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25);
  const pct = (v) => `${((100 * v) / total).toFixed(1).padStart(5)} %`;
  console.log(`  inclusive, share of ${entry} (${(total / 1000).toFixed(0)} ms sampled):`);
  for (const [f, v] of top(inclusive)) console.log(`  ${pct(v)}  ${f}`);
  console.log("  self:");
  for (const [f, v] of top(self)) console.log(`  ${pct(v)}  ${f}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

#!/usr/bin/env node
// make bench's browser half: ctibridge against raw postMessage and a hand-written JavaScript bridge
// (jsbridge.js), in headless Chromium, cross-origin isolated, every comparison interleaved in one run.
//
//   node web/test/bench/bench.mjs [--quick]      (after make build; --quick: fewer samples, for trying it)
//
// It prints one line per figure, `metric <name> <value> <unit>`, then a table, and writes the table with the
// machine it ran on to .tmp/bench/latest.md (and every sample to .tmp/bench/latest.json).
//
// Topology. The CRM page is served from 127.0.0.1; the softphone frame from 127.0.0.2, another site, so that
// Chromium runs it in its own process as in production (checked with CDP), and, for comparison, from a second
// port of 127.0.0.1 (same site, same process). Every response carries COOP same-origin, COEP require-corp and CORP cross-origin, every frame is
// allowed cross-origin-isolated, and the run fails unless crossOriginIsolated is true in every frame, so that
// performance.now() has its fine (5 µs) resolution.
//
// Phases:
//   sizes    — .wasm raw, gzip -9, brotli -q 11, next to connect-streams-min.js
//   answer   — answerCall() → resolved through real Streams and the CCP emulator, Go vs JS bridge; also
//              captures the three Streams snapshots (ringing, connected, on hold) the other phases replay.
//              Chromium denies localStorage, which Streams needs, to a cross-site frame, so here the softphone
//              is on the CRM's site (another port, as the product documents) and the CCP emulator on 127.0.0.2.
//   main     — round trips, per-event CPU on each side, 10,000-event bursts (crm.html + child.html)
//   memory   — linear memory and live Go heap after 1,000 and 100,000 events (the _probe build)
//   startup  — navigation → load() resolved, cold (fresh context) and warm (reload), minus a trivial page

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { launch } from "../lib/browser.mjs";
import { serve } from "../../../scripts/serve.mjs";
import { ISOLATION } from "./isolation.mjs";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const web = path.join(repo, "web");
const outDir = path.join(repo, ".tmp", "bench");
const streamsMin = path.join(web, "test/node_modules/amazon-connect-streams/release/connect-streams-min.js");
const quick = process.argv.includes("--quick");

// Sample sizes. Full run: about 3 to 4 minutes on 2 cores.
const N = quick
  ? { rtReps: 2, rt: 40, rtWarm: 10, cpuReps: 2, cpu: 500, burstReps: 1, burst: 10000, answer: 3, answerWarm: 1, startReps: 2, mem: [1000, 10000] }
  : { rtReps: 5, rt: 200, rtWarm: 30, cpuReps: 7, cpu: 2000, burstReps: 3, burst: 10000, answer: 12, answerWarm: 2, startReps: 6, mem: [1000, 100000] };

const metrics = []; // [name, value, unit]
const samples = {}; // everything, for latest.json
function metric(name, value, unit) {
  const v = typeof value === "number" ? Number(value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)) : value;
  metrics.push([name, v, unit]);
  console.log(`metric ${name} ${v} ${unit}`);
  return v;
}
const log = (...a) => console.error("bench:", ...a);

// Statistics.
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const median = (xs) => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (!existsSync(path.join(web, "ctibridge.wasm")) || !existsSync(path.join(web, "wasm_exec.js"))) {
    throw new Error("web/ctibridge.wasm is missing: run make build first");
  }
  await mkdir(outDir, { recursive: true });
  const started = Date.now();
  const sizes = sizePhase();
  const probe = buildProbe();

  const answerConfig = path.join(outDir, "answer-config.json");
  const routes = {
    "/vendor/connect-streams-min.js": streamsMin,
    "/test/bench/answer-config.json": answerConfig,
    ...(probe ? { "/test/bench/probe.wasm": probe } : {}),
  };
  const site = (host) => serve({ root: web, host, port: 0, headers: ISOLATION, routes });
  const servers = [];
  let browser;
  try {
    const [crm, cross, same] = await Promise.all([site("127.0.0.1"), site("127.0.0.2"), site("127.0.0.1")]);
    servers.push(crm, cross, same);
    // Streams needs localStorage, which Chromium denies a cross-site frame: with real Streams the softphone is
    // served from the CRM's site (as the product documents), and the CCP from another (as Amazon's is).
    await writeFile(answerConfig, JSON.stringify({
      crmOrigin: crm.origin,
      softphoneOrigin: same.origin,
      softphoneUrl: same.url("/test/bench/answer-softphone.html"),
      ccpUrl: cross.url("/emulator/index.html?pushInterval=0"),
    }));
    browser = await launch();
    const chromium = browser.version();
    log(`Chromium ${chromium}; CRM ${crm.origin}, softphone frame ${cross.origin} (cross-site) or ${same.origin} (same-site)`);

    const answer = await answerPhase(browser, crm);
    const main = await mainPhase(browser, { crm, cross, same }, answer.templates);
    const memory = probe ? await memoryPhase(browser, { crm, cross }, answer.templates) : null;
    const startup = await startupPhase(browser);
    const report = table({ sizes, answer, main, memory, startup, chromium, probe, seconds: (Date.now() - started) / 1000 });
    console.log(`\n${report}`);
    await writeFile(path.join(outDir, "latest.md"), report);
    await writeFile(path.join(outDir, "latest.json"), JSON.stringify({ metrics, samples }, null, 1));
    log(`wrote .tmp/bench/latest.md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
  }
}

// ---------------------------------------------------------------------------------------------------- sizes

function sizePhase() {
  const measure = (file) => {
    const raw = readFileSync(file);
    const tool = (cmd, args) => {
      const r = spawnSync(cmd, args, { input: raw, maxBuffer: 64 << 20 });
      return r.status === 0 ? r.stdout.length : null;
    };
    return {
      raw: raw.length,
      gzip: tool("gzip", ["-9", "-c"]) ?? gzipSync(raw, { level: 9 }).length,
      brotli: tool("brotli", ["-q", "11", "-c"]),
    };
  };
  const files = {
    wasm: path.join(web, "ctibridge.wasm"),
    streams: existsSync(streamsMin) ? streamsMin : path.join(web, "vendor/connect-streams-min.js"),
    wasmExec: path.join(web, "wasm_exec.js"),
    loader: path.join(web, "ctibridge.js"),
    jsbridge: path.join(web, "test/bench/jsbridge.js"),
  };
  const out = {};
  for (const [name, file] of Object.entries(files)) {
    out[name] = measure(file);
    for (const [kind, v] of Object.entries(out[name])) if (v != null) metric(`size_${name}_${kind}`, v, "bytes");
  }
  return out;
}

// The memory phase needs the live Go heap, which the product does not expose: web/test/bench/_probe is the
// same module plus one hook (__ctibridgeProbe), built here into .tmp/bench/probe.wasm.
function buildProbe() {
  const out = path.join(outDir, "probe.wasm");
  try {
    execFileSync("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", out, "./web/test/bench/_probe"], {
      cwd: repo,
      env: { ...process.env, GOOS: "js", GOARCH: "wasm" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    return out;
  } catch (err) {
    log(`could not build the probe module, skipping the Go heap: ${err.stderr || err.message}`);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------- pages

async function waitForFrame(page, match, what) {
  for (let i = 0; i < 400; i++) {
    const f = page.frames().find(match);
    if (f) return f;
    await sleep(50);
  }
  throw new Error(`${what} frame never appeared`);
}

function watch(page, label) {
  page.on("pageerror", (err) => log(`${label} page error: ${err.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || (m.type() === "warning" && m.text().includes("ctibridge"))) log(`${label} console.${m.type()}: ${m.text()}`);
  });
}

async function requireIsolation(frames) {
  for (const [label, frame] of Object.entries(frames)) {
    const ok = await frame.evaluate(() => globalThis.crossOriginIsolated === true);
    if (!ok) throw new Error(`crossOriginIsolated is not true in the ${label} frame: the timings would be coarse`);
  }
}

/** Frames Chromium runs out of process (CDP targets of type iframe), by URL prefix. */
async function oopifs(browser, prefix) {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send("Target.getTargets");
    return targetInfos.filter((t) => t.type === "iframe" && t.url.startsWith(prefix)).length;
  } finally {
    await cdp.detach();
  }
}

// ---------------------------------------------------------------------------------------------------- answer

async function answerPhase(browser, crm) {
  log("answer phase: real Streams + CCP emulator, Go vs JS bridge");
  const sides = {};
  for (const bridge of ["go", "js"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page, `answer/${bridge}`);
    await page.goto(crm.url(`/test/bench/answer-crm.html?bridge=${bridge}`));
    await page.waitForFunction(() => globalThis.bench?.agent() === "Available", null, { timeout: 60000 });
    const emulator = await waitForFrame(page, (f) => f.url().includes("/emulator/index.html"), "emulator");
    await emulator.waitForFunction(() => globalThis.ccpEmulator, null, { timeout: 20000 });
    const softphone = page.frames().find((f) => f.url().includes("answer-softphone.html"));
    // Streams creates the CCP iframe without allow="cross-origin-isolated"; nothing is timed there.
    await requireIsolation({ [`answer ${bridge} CRM`]: page.mainFrame(), [`answer ${bridge} softphone`]: softphone });
    sides[bridge] = { context, page, emulator, softphone };
  }
  const { page, emulator, softphone } = sides.go;

  // The three snapshots the other phases replay, as Streams holds them in the softphone frame.
  await emulator.evaluate(() => ccpEmulator.ring({}));
  await page.waitForFunction(() => bench.answerEnabled(), null, { timeout: 10000 });
  const ringing = await softphone.evaluate(() => snapshotJSON());
  await page.evaluate(() => bench.timedAnswer());
  const connected = await softphone.evaluate(() => snapshotJSON());
  await emulator.evaluate(() => ccpEmulator.hold());
  await softphone.waitForFunction(() => JSON.parse(snapshotJSON()).contacts[0].connections.some((c) => c.state.type === "hold"));
  const held = await softphone.evaluate(() => snapshotJSON());
  await emulator.evaluate(() => ccpEmulator.reset());
  await page.waitForFunction(() => !bench.answerEnabled());
  metric("streams_snapshot", connected.length, "bytes");
  await writeFile(path.join(outDir, "snapshots.json"), JSON.stringify({ ringing, connected, held }));

  const us = { go: [], js: [] };
  for (let i = 0; i < N.answerWarm + N.answer; i++) {
    for (const bridge of rotate(["go", "js"], i)) {
      const s = sides[bridge];
      await s.emulator.evaluate(() => ccpEmulator.ring({}));
      await s.page.waitForFunction(() => bench.answerEnabled(), null, { timeout: 10000 });
      const t = await s.page.evaluate(() => bench.timedAnswer());
      if (i >= N.answerWarm) us[bridge].push(t);
      await s.emulator.evaluate(() => ccpEmulator.reset());
      await s.page.waitForFunction(() => !bench.answerEnabled() && bench.agent() === "Available", null, { timeout: 10000 });
    }
  }
  for (const s of Object.values(sides)) await s.context.close();
  samples.answer = us;
  const out = {};
  for (const bridge of ["go", "js"]) {
    out[bridge] = { median: metric(`answer_${bridge}_median`, median(us[bridge]) / 1000, "ms"), p90: quantile(us[bridge], 0.9) / 1000 };
  }
  return { ...out, templates: { ringing, connected, held } };
}

// ---------------------------------------------------------------------------------------------------- main

async function mainPhase(browser, { crm, cross, same }, templates) {
  log("main phase: round trips, per-event CPU, bursts");
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "main");
  await page.goto(crm.url("/test/bench/crm.html"));
  await page.waitForFunction(() => globalThis.bench);
  const childUrl = (site) => site.url(`/test/bench/child.html?parent=${encodeURIComponent(crm.origin)}`);
  const child = {};
  for (const [topo, site] of [["cross", cross], ["same", same]]) {
    await page.evaluate(([n, u]) => bench.addFrame(n, u), [topo, childUrl(site)]);
    child[topo] = await waitForFrame(page, (f) => f.url().startsWith(site.origin), topo);
    await child[topo].waitForFunction(() => globalThis.bench);
    await page.evaluate((n) => bench.connectPort(n), topo);
  }
  await requireIsolation({ CRM: page.mainFrame(), "cross-site softphone": child.cross, "same-site softphone": child.same });
  const oopif = { cross: await oopifs(browser, cross.origin), same: await oopifs(browser, same.origin) };
  if (oopif.cross !== 1 || oopif.same !== 0) {
    throw new Error(`expected the cross-site frame out of process and the same-site one in process, CDP says ${JSON.stringify(oopif)}`);
  }
  log(`isolation: crossOriginIsolated in every frame; out-of-process iframes: cross-site ${oopif.cross}, same-site ${oopif.same}`);

  const sample = JSON.stringify(JSON.parse(readFileSync(path.join(repo, "core/testdata/answer-response.json"), "utf8")));
  const init = { ...templates, sample };
  await page.evaluate((d) => bench.init(d), init);
  for (const f of Object.values(child)) await f.evaluate((d) => bench.init(d), init);

  // The two softphones must write the same envelopes, or the comparison is unfair.
  const same1 = await child.cross.evaluate(() => bench.compare());
  if (same1.diffs.length || same1.go !== same1.js) {
    throw new Error(`the Go and JS softphones disagree:\n${JSON.stringify(same1, null, 1).slice(0, 3000)}`);
  }
  metric("event_envelope", same1.eventBytes, "bytes");
  log(`Go and JS softphones wrote ${same1.go} identical envelopes`);

  const topos = ["cross", "same"];
  const modes = ["raw", "go", "js"];
  const combos = topos.flatMap((t) => modes.map((m) => [t, m]));
  const attach = async (topo, mode) => {
    await child[topo].evaluate((m) => bench.attach(m), mode);
    await page.evaluate(([t, m]) => bench.attach(t, m), [topo, mode]);
  };
  const detach = async (topo) => {
    await page.evaluate(() => bench.detach());
    await child[topo].evaluate(() => bench.detach());
    await sleep(100);
  };

  // Round trips. The bridge round trip is answerCall() itself, the cheapest honest request → event: the
  // softphone role really accepts (on a fake Streams that answers on a microtask, so that Streams costs
  // nothing) and the promise resolves on the connected event, as a CRM sees it. A bridge posts two envelopes
  // for it (the agent's new state, then the call event), so raw2 is the floor with the same two messages.
  const rt = {};
  const rtCombos = topos.flatMap((t) => ["raw", "raw2", "go", "js"].map((m) => [t, m]));
  for (let rep = 0; rep < N.rtReps; rep++) {
    for (const [topo, mode] of rotate(rtCombos, rep)) {
      await attach(topo, mode);
      const us = await page.evaluate(([n, w]) => bench.roundTrips(n, w), [N.rt, N.rtWarm]);
      await detach(topo);
      (rt[`${topo}_${mode}`] ||= []).push(...us);
    }
  }
  samples.roundTrip = rt;

  // Softphone CPU per event: Streams snapshot in → envelope posted (nothing listens in the CRM page).
  const cpu = {};
  const add = (key, v) => (cpu[key] ||= []).push(v);
  for (let rep = 0; rep < N.cpuReps; rep++) {
    for (const topo of topos) {
      for (const mode of rotate(modes, rep)) {
        await child[topo].evaluate((m) => bench.attach(m), mode);
        await child[topo].evaluate((n) => bench.prepare(n), N.cpu);
        const ms = await child[topo].evaluate(() => bench.cpu());
        await child[topo].evaluate(() => bench.detach());
        add(`softphone_${topo}_${mode}`, (ms * 1000) / N.cpu);
        await sleep(150); // the CRM page drains what was posted
      }
    }
    for (const mode of rotate(["go", "js"], rep)) {
      add(`respond_${mode}`, ((await child.cross.evaluate(([m, n]) => bench.respondCpu(m, n), [mode, N.cpu])) * 1000) / N.cpu);
      const r = await page.evaluate(([m, n]) => bench.crmCpu("cross", m, n), [mode, N.cpu]);
      add(`crm_${mode}`, (r.ms * 1000) / N.cpu);
      add(`crm_${mode}_dispatch`, (r.baseMs * 1000) / N.cpu);
    }
  }
  samples.cpu = cpu;

  // Bursts of 10,000 events softphone → CRM callback.
  const burst = {};
  for (let rep = 0; rep < N.burstReps; rep++) {
    for (const [topo, mode] of rotate(combos, rep)) {
      await attach(topo, mode);
      await child[topo].evaluate((n) => bench.prepare(n), N.burst);
      const r = await page.evaluate((n) => bench.burst(n), N.burst);
      await detach(topo);
      if (!r.inOrder) throw new Error(`burst ${topo}/${mode}: ${r.count} events, not all in order`);
      (burst[`${topo}_${mode}`] ||= []).push(r);
    }
  }
  samples.burst = burst;
  await context.close();

  // Figures.
  const out = { rt: {}, cpu: {}, burst: {} };
  for (const [key, us] of Object.entries(rt)) {
    out.rt[key] = {
      median: metric(`rt_${key}_median`, median(us), "us"),
      p90: metric(`rt_${key}_p90`, quantile(us, 0.9), "us"),
      p99: metric(`rt_${key}_p99`, quantile(us, 0.99), "us"),
      n: us.length,
    };
  }
  for (const [key, xs] of Object.entries(cpu)) out.cpu[key] = metric(`cpu_${key}`, median(xs), "us_per_event");
  for (const [key, runs] of Object.entries(burst)) {
    const ms = median(runs.map((r) => r.ms));
    out.burst[key] = {
      ms: metric(`burst_${key}_total`, ms, "ms"),
      rate: metric(`burst_${key}_rate`, N.burst / (ms / 1000), "events_per_s"),
      sendMs: metric(`burst_${key}_send_loop`, median(runs.map((r) => r.sendMs)), "ms"),
      inOrder: runs.every((r) => r.inOrder),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- memory

async function memoryPhase(browser, { crm, cross }, templates) {
  log("memory phase: the probe build, 1,000 and 100,000 events softphone → CRM");
  const wasm = "/test/bench/probe.wasm";
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "memory");
  await page.goto(crm.url(`/test/bench/crm.html?wasm=${wasm}`));
  await page.waitForFunction(() => globalThis.bench);
  await page.evaluate(([n, u]) => bench.addFrame(n, u), ["cross", cross.url(`/test/bench/child.html?parent=${encodeURIComponent(crm.origin)}&wasm=${wasm}`)]);
  const child = await waitForFrame(page, (f) => f.url().startsWith(cross.origin), "softphone");
  await child.waitForFunction(() => globalThis.bench);
  await page.evaluate(() => bench.connectPort("cross"));
  const sample = "{}";
  await page.evaluate((d) => bench.init(d), { ...templates, sample });
  await child.evaluate((d) => bench.init(d), { ...templates, sample });
  await child.evaluate(() => bench.attach("go"));
  await page.evaluate(() => bench.attach("cross", "go"));
  const read = async () => ({ crm: await page.evaluate(() => bench.memory()), softphone: await child.evaluate(() => bench.memory()) });
  const points = [{ events: 0, ...(await read()) }];
  let sent = 0;
  for (const target of N.mem) {
    while (sent < target) {
      const n = Math.min(5000, target - sent);
      await child.evaluate((k) => bench.prepare(k), n);
      const r = await page.evaluate((k) => bench.burst(k), n);
      if (!r.inOrder) throw new Error("memory phase: events out of order");
      sent += n;
    }
    points.push({ events: sent, ...(await read()) });
  }
  await context.close();
  samples.memory = points;
  const out = { points };
  for (const side of ["crm", "softphone"]) {
    for (const p of points) {
      metric(`mem_${side}_linear_${p.events}`, p[side].linear / 1024, "KiB");
      metric(`mem_${side}_heap_${p.events}`, p[side].heap.heapAlloc / 1024, "KiB");
      metric(`mem_${side}_jsvalues_${p.events}`, p[side].values, "slots");
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- startup

async function startupPhase(browser) {
  log("startup phase: cold and warm, bridge vs trivial page");
  // Cacheable responses, as a production server sends them, so that a reload can use the HTTP cache and V8's
  // code cache.
  const server = await serve({ root: web, host: "127.0.0.1", port: 0, headers: { ...ISOLATION, "Cache-Control": "max-age=3600" } });
  const runs = { bridge: [], trivial: [] };
  try {
    for (let rep = 0; rep < N.startReps; rep++) {
      for (const variant of rotate(["bridge", "trivial"], rep)) {
        const context = await browser.newContext();
        const page = await context.newPage();
        watch(page, `startup/${variant}`);
        const url = server.url(`/test/bench/${variant === "bridge" ? "start" : "trivial"}.html`);
        const once = async (go) => {
          await go();
          await page.waitForFunction(() => globalThis.__startup, null, { timeout: 20000 });
          return page.evaluate(() => globalThis.__startup);
        };
        const cold = await once(() => page.goto(url));
        const warm = await once(() => page.reload());
        const warm2 = await once(() => page.reload());
        await context.close();
        if (rep > 0) runs[variant].push({ cold, warm, warm2 }); // the first round warms the browser up
      }
    }
  } finally {
    await server.close();
  }
  samples.startup = runs;
  const m = (variant, kind, f) => median(runs[variant].map((r) => f(r[kind])).filter((v) => Number.isFinite(v)));
  const ready = (s) => s.ready;
  const out = {};
  for (const kind of ["cold", "warm", "warm2"]) {
    const b = m("bridge", kind, ready);
    const t = m("trivial", kind, ready);
    out[kind] = {
      bridge: metric(`startup_${kind}_bridge`, b, "ms"),
      trivial: metric(`startup_${kind}_trivial`, t, "ms"),
      over: metric(`startup_${kind}_over_trivial`, b - t, "ms"),
      compile: metric(`startup_${kind}_compile`, m("bridge", kind, (s) => s.compiled - s.instantiateCalled), "ms"),
      instantiate: metric(`startup_${kind}_instantiate`, m("bridge", kind, (s) => s.instantiated - s.compiled), "ms"),
      run: metric(`startup_${kind}_gorun_to_ready`, m("bridge", kind, (s) => s.ready - s.runStart), "ms"),
      beforeLoad: metric(`startup_${kind}_nav_to_load_call`, m("bridge", kind, (s) => s.loadCalled), "ms"),
      wasmFetch: metric(`startup_${kind}_wasm_fetch`, m("bridge", kind, (s) => s.wasm.end - s.wasm.start), "ms"),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- report

function table({ sizes, answer, main, memory, startup, chromium, probe, seconds }) {
  const f = (v, d = 0) => (v == null || Number.isNaN(v) ? "—" : Number(v).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));
  const x = (a, b) => (b ? `${(a / b).toFixed(2)}×` : "—");
  const ok = (pass) => (pass ? "**met**" : "**not met**");
  const rt = main.rt;
  const cpu = main.cpu;
  const b = main.burst;
  const lines = [];
  const cpuModel = os.cpus()[0]?.model ?? "?";
  let debian = "";
  try {
    debian = ` (Debian ${readFileSync("/etc/debian_version", "utf8").trim()})`;
  } catch {}
  let goVersion = "?";
  try {
    goVersion = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
  } catch {}
  lines.push(`## Benchmark (make bench)`, "");
  lines.push(`Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${os.cpus().length} × ${cpuModel}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}${debian}; headless Chromium ${chromium}, ${goVersion}, ` +
    `Node ${process.version}. Cross-origin isolated (performance.now() at 5 µs); CRM page on 127.0.0.1, softphone ` +
    `frame on 127.0.0.2 (another site: an out-of-process iframe, checked) or on another port of 127.0.0.1 (same ` +
    `site, same process). Every comparison interleaved in this one run (${f(seconds)} s).`, "");

  lines.push("### Targets", "", "| target | measured | |", "| --- | --- | --- |");
  const rtx = rt.cross_go.median / rt.cross_raw.median;
  const p99x = rt.cross_go.p99 / rt.cross_raw.p99;
  const spCpu = cpu.softphone_cross_go;
  const crmCpu = cpu.crm_go - cpu.crm_go_dispatch;
  const jsSp = cpu.softphone_cross_js;
  const jsCrm = cpu.crm_js - cpu.crm_js_dispatch;
  const burstx = b.cross_go.ms / b.cross_raw.ms;
  lines.push(`| round trip ≤ 1.10× raw (median, cross-site) | ${f(rt.cross_go.median)} µs vs ${f(rt.cross_raw.median)} µs = ${x(rt.cross_go.median, rt.cross_raw.median)} | ${ok(rtx <= 1.1)} |`);
  lines.push(`| … against the two-reply floor (raw2) | ${f(rt.cross_go.median)} µs vs ${f(rt.cross_raw2.median)} µs = ${x(rt.cross_go.median, rt.cross_raw2.median)} (JS bridge ${x(rt.cross_js.median, rt.cross_raw2.median)}) | ${ok(rt.cross_go.median <= 1.1 * rt.cross_raw2.median)} |`);
  lines.push(`| round trip p99 ≤ 1.5× raw p99 | ${f(rt.cross_go.p99)} µs vs ${f(rt.cross_raw.p99)} µs = ${x(rt.cross_go.p99, rt.cross_raw.p99)} | ${ok(p99x <= 1.5)} |`);
  lines.push(`| bridge CPU per event ≤ 25 µs (softphone: snapshot in → envelope posted) | ${f(spCpu, 1)} µs | ${ok(spCpu <= 25)} |`);
  lines.push(`| … and ≤ 3× the JS bridge (softphone) | ${x(spCpu, jsSp)} (JS ${f(jsSp, 1)} µs) | ${ok(spCpu <= 3 * jsSp)} |`);
  lines.push(`| bridge CPU per event ≤ 25 µs (CRM: envelope received → callback called) | ${f(crmCpu, 1)} µs | ${ok(crmCpu <= 25)} |`);
  lines.push(`| … and ≤ 3× the JS bridge (CRM) | ${x(crmCpu, jsCrm)} (JS ${f(jsCrm, 1)} µs) | ${ok(crmCpu <= 3 * jsCrm)} |`);
  lines.push(`| 10,000-event burst ≤ 1.5× raw, in order | ${f(b.cross_go.ms)} ms vs ${f(b.cross_raw.ms)} ms = ${x(b.cross_go.ms, b.cross_raw.ms)}, ${b.cross_go.inOrder ? "in order" : "OUT OF ORDER"} | ${ok(burstx <= 1.5 && b.cross_go.inOrder)} |`);
  lines.push(`| cold start ≤ 80 ms above a trivial page | +${f(startup.cold.over)} ms | ${ok(startup.cold.over <= 80)} |`);
  lines.push(`| warm start ≤ 90 ms | ${f(startup.warm.bridge)} ms (+${f(startup.warm.over)} ms over trivial) | ${ok(startup.warm.bridge <= 90)} |`);
  lines.push(`| .wasm ≤ 650 KB brotli | ${f(sizes.wasm.brotli / 1000)} KB | ${ok(sizes.wasm.brotli <= 650000)} |`);
  if (memory) {
    const p = memory.points;
    const [, k1, kN] = p;
    for (const side of ["crm", "softphone"]) {
      const grow = kN[side].linear - k1[side].linear;
      lines.push(`| ${side}: zero linear-memory growth, event ${f(k1.events)} → ${f(kN.events)} | ${f(k1[side].linear / 1024)} → ${f(kN[side].linear / 1024)} KiB | ${ok(grow === 0)} |`);
      const dh = kN[side].heap.heapAlloc - p[0][side].heap.heapAlloc;
      lines.push(`| ${side}: live heap after GC within 64 KiB of its start | ${f(p[0][side].heap.heapAlloc / 1024)} → ${f(kN[side].heap.heapAlloc / 1024)} KiB (${dh >= 0 ? "+" : ""}${f(dh / 1024, 1)}) | ${ok(Math.abs(dh) <= 64 * 1024)} |`);
    }
  } else {
    lines.push(`| memory | not measured: the probe build failed | |`);
  }
  lines.push(`| core ButtonStates rules: zero allocations | go test -run TestDecideAllocatesNothing ./core, and go test -bench ./core | see go test |`, "");

  lines.push("### Round trip CRM → softphone → CRM (µs)", "");
  lines.push(`raw: the CRM posts the 79 B request, the frame's listener posts the 1,318 B vendor sample back. Bridges: ` +
    `answerCall() → the softphone role accepts on a fake Streams that answers on a microtask and pushes the connected ` +
    `snapshot → AgentStateChange + InboundCallStateChange posted → the CRM role resolves the promise. ` +
    `${f(rt.cross_raw.n)} trips per row, pooled over ${N.rtReps} interleaved reps.`, "");
  lines.push("| | cross-site median | p90 | p99 | × raw | same-site median | p90 | p99 | × raw |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [mode, label] of [["raw", "raw postMessage"], ["raw2", "raw, two replies (agent state + sample)"], ["go", "**ctibridge (Go)**"], ["js", "JS bridge"]]) {
    const c = rt[`cross_${mode}`];
    const s = rt[`same_${mode}`];
    lines.push(`| ${label} | ${f(c.median)} | ${f(c.p90)} | ${f(c.p99)} | ${x(c.median, rt.cross_raw.median)} | ${f(s.median)} | ${f(s.p90)} | ${f(s.p99)} | ${x(s.median, rt.same_raw.median)} |`);
  }
  lines.push("");

  lines.push("### CPU per event (µs, median of per-rep means)", "");
  lines.push("| work | ctibridge (Go) | JS bridge | × JS |", "| --- | ---: | ---: | ---: |");
  lines.push(`| softphone: Streams snapshot → envelope posted, cross-site | ${f(cpu.softphone_cross_go, 1)} | ${f(cpu.softphone_cross_js, 1)} | ${x(cpu.softphone_cross_go, cpu.softphone_cross_js)} |`);
  lines.push(`| softphone: the same, same-site | ${f(cpu.softphone_same_go, 1)} | ${f(cpu.softphone_same_js, 1)} | ${x(cpu.softphone_same_go, cpu.softphone_same_js)} |`);
  lines.push(`| softphone: the same without postMessage (into a recorder) | ${f(cpu.respond_go, 1)} | ${f(cpu.respond_js, 1)} | ${x(cpu.respond_go, cpu.respond_js)} |`);
  lines.push(`| raw postMessage of the 1,318 B sample, cross-site / same-site | ${f(cpu.softphone_cross_raw, 1)} / ${f(cpu.softphone_same_raw, 1)} | | |`);
  lines.push(`| CRM: MessageEvent → callback, net of dispatch | ${f(crmCpu, 1)} | ${f(jsCrm, 1)} | ${x(crmCpu, jsCrm)} |`);
  lines.push(`| CRM: the same, with dispatch (${f(cpu.crm_go_dispatch, 1)} µs with a no-op listener) | ${f(cpu.crm_go, 1)} | ${f(cpu.crm_js, 1)} | ${x(cpu.crm_go, cpu.crm_js)} |`, "");

  lines.push(`### Burst: ${f(N.burst)} events softphone → CRM callback, every one checked in order (median of ${N.burstReps})`, "");
  lines.push("| | cross-site total ms | events/s | send loop ms | × raw | same-site total ms | events/s | × raw |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [mode, label] of [["raw", "raw postMessage (seq|sample)"], ["go", "**ctibridge (Go)**"], ["js", "JS bridge"]]) {
    const c = b[`cross_${mode}`];
    const s = b[`same_${mode}`];
    lines.push(`| ${label} | ${f(c.ms)} | ${f(c.rate)} | ${f(c.sendMs)} | ${x(c.ms, b.cross_raw.ms)} | ${f(s.ms)} | ${f(s.rate)} | ${x(s.ms, b.same_raw.ms)} |`);
  }
  lines.push("");

  lines.push("### answerCall() → resolved through real Streams 2.28.2 and the CCP emulator (ms)", "");
  lines.push("| | median | p90 |", "| --- | ---: | ---: |");
  lines.push(`| **ctibridge (Go)** | ${f(answer.go.median, 2)} | ${f(answer.go.p90, 2)} |`);
  lines.push(`| JS bridge | ${f(answer.js.median, 2)} | ${f(answer.js.p90, 2)} |`, "");

  lines.push(`### Startup: navigation → load() resolved (ms, median of ${N.startReps - 1} fresh contexts)`, "");
  lines.push("| | bridge | trivial page | over trivial | wasm fetch | compile | instantiate | go.run → ready |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [kind, label] of [["cold", "cold"], ["warm", "warm (reload)"], ["warm2", "warm (2nd reload)"]]) {
    const s = startup[kind];
    lines.push(`| ${label} | ${f(s.bridge)} | ${f(s.trivial)} | +${f(s.over)} | ${f(s.wasmFetch, 1)} | ${f(s.compile, 1)} | ${f(s.instantiate, 1)} | ${f(s.run, 1)} |`);
  }
  lines.push("", "compile = compileStreaming (download overlapped); go.run → ready includes Register and create({role: \"crm\"}).", "");

  if (memory) {
    lines.push("### Memory (probe build: the module + a runtime.ReadMemStats hook), after runtime.GC()", "");
    lines.push("| events | CRM linear KiB | CRM Go heap KiB | CRM JS value slots | softphone linear KiB | softphone Go heap KiB | softphone JS value slots |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const p of memory.points) {
      lines.push(`| ${f(p.events)} | ${f(p.crm.linear / 1024)} | ${f(p.crm.heap.heapAlloc / 1024, 1)} | ${f(p.crm.values)} | ${f(p.softphone.linear / 1024)} | ${f(p.softphone.heap.heapAlloc / 1024, 1)} | ${f(p.softphone.values)} |`);
    }
    lines.push("");
  }

  lines.push("### Sizes (bytes)", "", "| file | raw | gzip -9 | brotli -q 11 |", "| --- | ---: | ---: | ---: |");
  for (const [name, label] of [["wasm", "**ctibridge.wasm**"], ["wasmExec", "wasm_exec.js"], ["loader", "ctibridge.js"], ["streams", "connect-streams-min.js"], ["jsbridge", "jsbridge.js (the JS bridge)"]]) {
    const s = sizes[name];
    lines.push(`| ${label} | ${f(s.raw)} | ${f(s.gzip)} | ${f(s.brotli)} |`);
  }
  lines.push(`| ctibridge.wasm ÷ connect-streams-min.js | ${x(sizes.wasm.raw, sizes.streams.raw)} | ${x(sizes.wasm.gzip, sizes.streams.gzip)} | ${x(sizes.wasm.brotli, sizes.streams.brotli)} |`, "");
  return lines.join("\n");
}

main().catch((err) => {
  console.error(`bench: ${err.stack || err.message}`);
  process.exit(1);
});

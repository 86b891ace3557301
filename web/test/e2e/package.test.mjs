// The package as a CRM team consumes it. scripts/dist.mjs builds dist/; a fresh CRM project in a temp directory
// outside the repository installs it from its packed tarball with npm, offline, with an empty cache and no
// registry; its pages are the docs' quick-start examples (web/test/types/examples) with the example origins
// replaced by the test's. In headless Chromium, through real Streams and the CCP emulator, a call is answered:
//   - from the ES module, `import { load } from "ctibridge"` (an import map to node_modules), with the
//     project's own softphone page built from the package too;
//   - from the classic build, <script src="node_modules/ctibridge/ctibridge.classic.js"> and
//     window.ctibridge.load, with the project's softphone page (web/softphone.html).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildDist, classicBuild } from "../../../scripts/dist.mjs";
import { launch } from "../lib/browser.mjs";
import { startDeployment } from "../lib/deployment.mjs";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const examples = path.join(repo, "web/test/types/examples");
const streamsMin = require.resolve("amazon-connect-streams/release/connect-streams-min.js");
const tsc = require.resolve("typescript/bin/tsc");

// The placeholders of the examples, replaced by this deployment's values.
const SOFTPHONE_PAGE = "https://softphone.example.com/softphone.html";
const SOFTPHONE_ORIGIN = "https://softphone.example.com";
const CRM_ORIGIN = "https://crm.example.com";
const CCP_URL = "https://example.my.connect.aws/ccp-v2/";

const PREFIX = "/acme"; // where the fresh project is served, on every origin of the deployment
let scratch;
let project;
let pkg;
let deployment;
let browser;

/** npm with no registry reachable: an empty cache of its own, offline, and a registry URL that answers nothing. */
function npm(args, cwd) {
  return run("npm", [...args, "--offline", "--no-audit", "--no-fund", "--cache", path.join(scratch, "npm-cache")], {
    cwd,
    timeout: 120000,
    env: { ...process.env, npm_config_registry: "http://127.0.0.1:9/", npm_config_update_notifier: "false" },
  });
}

async function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join("/"));
  }
  return out.sort();
}

/** Copies an example into the project, replacing each placeholder (which must be there) by its value. */
async function example(name, target, replacements) {
  let text = await readFile(path.join(examples, name), "utf8");
  for (const [from, to] of replacements) {
    assert.ok(text.includes(from), `${name} no longer contains ${from}`);
    text = text.replaceAll(from, to);
  }
  await writeFile(path.join(project, target), text);
}

before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "ctibridge-package-"));
  pkg = await buildDist({ log: () => {}, warn: () => {} });

  // A fresh CRM project outside the repository, installing the packed package.
  project = path.join(scratch, "acme-crm");
  await mkdir(project);
  await writeFile(path.join(project, "package.json"), `${JSON.stringify({ name: "acme-crm", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`);
  const { stdout } = await npm(["pack", pkg.out, "--pack-destination", scratch, "--json"], scratch);
  const [packed] = JSON.parse(stdout);
  pkg.packed = packed;
  await npm(["install", path.join(scratch, packed.filename)], project);

  // Every file of the project is served under /acme on each origin; Streams comes from the tests' own copy, at
  // the path an npm-installed amazon-connect-streams would have.
  const pages = ["index.html", "crm.js", "classic.html", "crm-classic.js", "softphone.html", "softphone.js"];
  const installed = await listFiles(path.join(project, "node_modules/ctibridge"));
  const routes = {
    [`${PREFIX}/node_modules/amazon-connect-streams/release/connect-streams-min.js`]: streamsMin,
  };
  for (const file of [...pages, ...installed.map((f) => `node_modules/ctibridge/${f}`)]) {
    routes[`${PREFIX}/${file}`] = path.join(project, file);
  }
  deployment = await startDeployment({ routes });
  const { crm, softphone } = deployment.sites;

  // ES module pages: the CRM page and its softphone page, both from the package.
  await example("crm.html", "index.html", [[SOFTPHONE_PAGE, softphone.url(`${PREFIX}/softphone.html`)]]);
  await example("crm.ts", "crm.js", [[SOFTPHONE_ORIGIN, softphone.origin]]);
  await example("softphone.html", "softphone.html", []);
  await example("softphone.ts", "softphone.js", [[CRM_ORIGIN, crm.origin], [CCP_URL, deployment.ccpUrl]]);
  // Classic pages: the CRM page with window.ctibridge, embedding the project's softphone page.
  await example("crm-classic.html", "classic.html", [[SOFTPHONE_PAGE, softphone.url("/softphone.html")]]);
  await example("crm-classic.ts", "crm-classic.js", [[SOFTPHONE_ORIGIN, softphone.origin]]);

  browser = await launch();
});

after(async () => {
  await browser?.close();
  await deployment?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test("web/ctibridge.classic.js is the classic build of web/ctibridge.js (node scripts/dist.mjs --classic)", async () => {
  const source = await readFile(path.join(repo, "web/ctibridge.js"), "utf8");
  const committed = await readFile(path.join(repo, "web/ctibridge.classic.js"), "utf8");
  assert.ok(committed === classicBuild(source), "web/ctibridge.classic.js is stale: run node scripts/dist.mjs --classic");
});

test("dist/ holds one version of every file package.json names, and the tarball nothing else", async () => {
  const manifest = JSON.parse(await readFile(path.join(pkg.out, "package.json"), "utf8"));
  const source = JSON.parse(await readFile(path.join(repo, "web/package.json"), "utf8"));
  assert.deepEqual(manifest, source);
  assert.equal(manifest.version, pkg.version);
  assert.equal(manifest.name, "ctibridge");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.license, "Apache-2.0");
  assert.equal(manifest.dependencies, undefined);
  for (const file of ["ctibridge.js", "ctibridge.classic.js", "ctibridge.d.ts"]) {
    const first = (await readFile(path.join(pkg.out, file), "utf8")).split("\n")[0];
    assert.match(first, new RegExp(`^// ctibridge ${pkg.version.replaceAll(".", "\\.")}: `), file);
  }
  assert.match(await readFile(path.join(pkg.out, "README.md"), "utf8"), new RegExp(`^# ctibridge ${pkg.version.replaceAll(".", "\\.")}\\n`));
  const wasm = await readFile(path.join(pkg.out, "ctibridge.wasm"));
  assert.deepEqual(wasm.subarray(0, 4), Buffer.from([0, 0x61, 0x73, 0x6d]), "ctibridge.wasm is WebAssembly");
  assert.deepEqual(await readFile(path.join(pkg.out, "wasm_exec.js")), await readFile(path.join(repo, "web/wasm_exec.js")));

  const docs = (await readdir(path.join(repo, "web/docs"))).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
  const expected = ["README.md", "package.json", "ctibridge.js", "ctibridge.classic.js", "ctibridge.d.ts", "ctibridge.wasm", "wasm_exec.js", ...docs];
  assert.deepEqual(pkg.packed.files.map((f) => f.path).sort(), expected.sort());
  assert.equal(pkg.packed.version, pkg.version);
});

test("the installed package resolves for node, bundlers and TypeScript", async () => {
  const lock = JSON.parse(await readFile(path.join(project, "package-lock.json"), "utf8"));
  assert.equal(lock.packages["node_modules/ctibridge"].version, pkg.version);
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", `
    for (const s of ["ctibridge", "ctibridge/classic", "ctibridge/ctibridge.wasm", "ctibridge/wasm_exec.js", "ctibridge/package.json"]) {
      console.log(new URL(import.meta.resolve(s)).pathname);
    }`], { cwd: project });
  const base = path.join(project, "node_modules/ctibridge");
  assert.deepEqual(stdout.trim().split("\n").map((p) => path.relative(base, p)),
    ["ctibridge.js", "ctibridge.classic.js", "ctibridge.wasm", "wasm_exec.js", "package.json"]);

  // The docs' examples, type-checked against the installed package's "types" (no paths mapping), for the two
  // module resolutions CRM projects use.
  await mkdir(path.join(project, "src"));
  for (const file of ["crm.ts", "crm-classic.ts", "classic-global.d.ts", "softphone.ts"]) {
    await copyFile(path.join(examples, file), path.join(project, "src", file));
  }
  for (const [module, moduleResolution] of [["ES2022", "Bundler"], ["NodeNext", "NodeNext"]]) {
    const config = path.join(project, `tsconfig.${moduleResolution}.json`);
    await writeFile(config, JSON.stringify({
      compilerOptions: { target: "ES2022", module, moduleResolution, lib: ["ES2022", "DOM"], strict: true, noEmit: true, types: [] },
      include: ["src"],
    }));
    const result = await run(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", config], { cwd: project }).catch((err) => err);
    assert.equal(result.code ?? 0, 0, `tsc (${moduleResolution}) failed:\n${result.stdout}`);
  }
});

/**
 * Opens a page of the fresh project and answers a call on it: waits until its bridge has heard the softphone's
 * snapshot with the agent signed in (so that no event of the call is missed), rings in the emulator, clicks the
 * example's Answer button when the ringing event shows it, and checks what the example logged.
 */
async function answerThrough(pageUrl) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    const logs = [];
    const console = []; // everything any frame logged, for the failure message
    const wasmRequests = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    page.on("console", (msg) => {
      console.push(`${msg.type()}: ${msg.text()}`);
      if (msg.text().startsWith("ctibridge")) logs.push(msg.text());
    });
    context.on("response", (res) => {
      if (res.status() >= 400) console.push(`HTTP ${res.status()} ${res.url()}`);
    });
    context.on("request", (req) => {
      if (req.url().endsWith(".wasm") || req.url().endsWith("wasm_exec.js")) wasmRequests.push(req.url());
    });
    // The test's own listener, added before the page's scripts: it only watches what reaches the CRM window. A
    // Snapshot is the softphone's answer to the bridge's Hello, so it means that the bridge is up.
    await page.addInitScript(() => {
      globalThis.__seen = { snapshot: false, agent: null };
      addEventListener("message", (e) => {
        try {
          const env = typeof e.data === "string" ? JSON.parse(e.data) : e.data;
          if (env?.subtopic === "Snapshot") globalThis.__seen.snapshot = true;
          if (env?.message?.agent) globalThis.__seen.agent = env.message.agent.label;
        } catch {}
      });
    });
    await page.goto(pageUrl);
    await page.waitForFunction(() => globalThis.__seen.snapshot && globalThis.__seen.agent === "Available", null, { timeout: 30000 })
      .catch((err) => assert.fail(`${err.message}\npage errors: ${errors.join(" | ")}\nconsole:\n${console.slice(-30).join("\n")}`));
    const emulator = page.frames().find((f) => f.url().includes("/emulator/index.html"));
    assert.ok(emulator, "the CCP emulator frame is up");

    await emulator.evaluate(() => ccpEmulator.ring({ ani: "+161081111", dnis: "+16013261548", queue: "InboundTest" }));
    await page.click("button", { timeout: 15000 }); // shown by the ringing event's ButtonStates
    await page.waitForFunction(() => document.querySelector("button").hidden, null, { timeout: 15000 }); // connected: answer is Hide
    await waitFor(() => logs.includes("ctibridge: answered"), () => `never answered; logged: ${logs.join(" | ")}`);

    assert.ok(logs.includes("ctibridge: agent leg connecting, caller +161081111"), logs.join(" | "));
    assert.ok(logs.includes("ctibridge: agent leg connected, caller +161081111"), logs.join(" | "));
    const requests = await emulator.evaluate(() => ccpEmulator.requests());
    assert.equal(requests.filter((r) => r.method === "acceptContact").length, 1, "the emulator saw exactly one accept");
    assert.deepEqual(errors, []);
    assert.deepEqual(logs.filter((l) => /FAILED|diagnostic/.test(l)), []);
    return { page, wasmRequests };
  } catch (err) {
    await context.close();
    throw err;
  }
}

async function waitFor(condition, describe, timeout = 15000) {
  for (const end = Date.now() + timeout; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (condition()) return;
  }
  assert.fail(describe());
}

test("the ES module from node_modules answers a call (CRM page and softphone page from the package)", async () => {
  const { crm, softphone } = deployment.sites;
  const { page, wasmRequests } = await answerThrough(crm.url(`${PREFIX}/index.html`));
  try {
    // Both sides loaded the installed module's own files, next to ctibridge.js.
    assert.deepEqual(new Set(wasmRequests), new Set([
      crm.url(`${PREFIX}/node_modules/ctibridge/wasm_exec.js`), crm.url(`${PREFIX}/node_modules/ctibridge/ctibridge.wasm`),
      softphone.url(`${PREFIX}/node_modules/ctibridge/wasm_exec.js`), softphone.url(`${PREFIX}/node_modules/ctibridge/ctibridge.wasm`),
    ]));
    assert.equal(await page.evaluate(() => "ctibridge" in globalThis), false, "the ES module sets no global");
  } finally {
    await page.context().close();
  }
});

test("the classic build from node_modules answers a call through window.ctibridge.load", async () => {
  const { crm, softphone } = deployment.sites;
  const { page, wasmRequests } = await answerThrough(crm.url(`${PREFIX}/classic.html`));
  try {
    // The CRM side found ctibridge.wasm and wasm_exec.js next to ctibridge.classic.js (document.currentScript);
    // the softphone page is the project's, web/softphone.html.
    assert.deepEqual(new Set(wasmRequests), new Set([
      crm.url(`${PREFIX}/node_modules/ctibridge/wasm_exec.js`), crm.url(`${PREFIX}/node_modules/ctibridge/ctibridge.wasm`),
      softphone.url("/wasm_exec.js"), softphone.url("/ctibridge.wasm"),
    ]));
    // One namespaced global, holding the module's exports (load, selfTest); nothing left behind by the boot.
    assert.deepEqual(await page.evaluate(() => Object.keys(window.ctibridge)), ["load", "selfTest"]);
    assert.equal(await page.evaluate(() => "__ctibridgeBoot" in globalThis), false);
  } finally {
    await page.context().close();
  }
});

// web/docs, checked against the code and run:
//   - every code block marked <!-- snippet: path --> is exactly that file (the examples are type-checked by
//     types.test.mjs and run by package.test.mjs and below); the quick start's code stays within 20 lines;
//   - every JSON block marked <!-- envelope: Type --> in the wire reference is JSON and type-checks as that type
//     of ctibridge.d.ts;
//   - every relative link and #anchor resolves;
//   - the troubleshooting page names every error type, cause and diagnostic reason of ctibridge.d.ts, and the
//     API reference every option and method;
//   - the emulator-testing page's examples run against the demo;
//   - the Content-Security-Policy blocks of the security page (<!-- csp: crm -->, <!-- csp: softphone -->) are
//     served to the demo CRM page and the softphone page, and a call is answered under them; without
//     'wasm-unsafe-eval', load() rejects with the documented LOAD_FAILED message.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { access, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { serve } from "../../../scripts/serve.mjs";
import { chromiumPath, launch } from "../lib/browser.mjs";
import { openDemo, startDeployment, waitForEvent } from "../lib/deployment.mjs";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const ts = require("typescript");
const tsc = require.resolve("typescript/bin/tsc");
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const docsDir = path.join(repo, "web/docs");
const examplesDir = path.join(repo, "web/test/types/examples");
const dts = path.join(repo, "web/ctibridge.d.ts");

const docNames = (await readdir(docsDir)).filter((f) => f.endsWith(".md")).sort();
const docs = new Map(await Promise.all(docNames.map(async (name) => [name, await readFile(path.join(docsDir, name), "utf8")])));

/** The fenced code blocks of a Markdown text, each with the HTML comment on the line just before it, if any. */
function codeBlocks(text) {
  const lines = text.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && lines[j].trim() !== fence; j++) body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    const marker = /^\s*<!--\s*(snippet|envelope|csp):\s*(\S+)\s*-->\s*$/.exec(lines[i - 1] ?? "");
    blocks.push({ lang, line: i + 1, content: `${body.join("\n")}\n`, kind: marker?.[1], arg: marker?.[2] });
    i = j;
  }
  return blocks;
}

/** Markdown text outside code blocks. */
function prose(text) {
  return text.replace(/^([ \t]*)(`{3,})[^\n]*\n[\s\S]*?^\1\2[ \t]*$/gm, "");
}

/** GitHub's heading anchors of a Markdown text. */
function anchors(text) {
  const seen = new Map();
  const out = new Set();
  for (const m of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*$/gm)) {
    const base = m[1].toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

describe("snippets", () => {
  test("every marked code block is exactly its file", async () => {
    let count = 0;
    for (const [name, text] of docs) {
      for (const block of codeBlocks(text).filter((b) => b.kind === "snippet")) {
        const file = path.join(repo, block.arg);
        const content = await readFile(file, "utf8").catch(() => assert.fail(`${name}:${block.line}: no file ${block.arg}`));
        assert.equal(block.content, content, `${name}:${block.line} differs from ${block.arg}`);
        count++;
      }
    }
    assert.ok(count >= 8, `only ${count} snippets`);
  });

  test("every example is shown in the docs", async () => {
    const shown = new Set([...docs.values()].flatMap((t) => codeBlocks(t).filter((b) => b.kind === "snippet").map((b) => b.arg)));
    for (const file of await readdir(examplesDir)) {
      assert.ok(shown.has(`web/test/types/examples/${file}`), `web/test/types/examples/${file} is in no doc`);
    }
  });

  test("the quick start's code, CRM side and softphone side, is at most 20 lines each", () => {
    for (const block of codeBlocks(docs.get("quickstart.md"))) {
      if (!["js", "ts"].includes(block.lang)) continue;
      const code = block.content.split("\n").filter((l) => l.trim() && !/^\s*\/\//.test(l));
      assert.ok(code.length <= 20, `quickstart.md:${block.line}: ${code.length} lines of code`);
    }
  });
});

test("every relative link and anchor in web/docs resolves", async () => {
  const broken = [];
  for (const [name, text] of docs) {
    for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split("#");
      const resolved = file ? path.resolve(docsDir, file) : path.join(docsDir, name);
      try {
        await access(resolved);
      } catch {
        broken.push(`${name}: ${target} (no file)`);
        continue;
      }
      if (anchor && resolved.endsWith(".md") && !anchors(await readFile(resolved, "utf8")).has(anchor)) {
        broken.push(`${name}: ${target} (no heading #${anchor})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

describe("the docs name what the code defines", () => {
  let checker;
  let exported;
  before(() => {
    const program = ts.createProgram([dts], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: [] });
    checker = program.getTypeChecker();
    exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(dts))).map((s) => [s.name, s]));
  });
  const type = (name) => checker.getDeclaredTypeOfSymbol(exported.get(name));
  const literals = (name) => {
    const t = type(name);
    return (t.isUnion() ? t.types : [t]).map((x) => x.value);
  };
  const props = (name) => checker.getPropertiesOfType(type(name)).map((p) => p.name);
  // A name counts as documented when a code span holds it as a word: `name`, `bridge.name()`, `"name"`.
  const missing = (doc, names) => {
    const spans = [...docs.get(doc).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
    return names.filter((n) => !spans.some((span) => new RegExp(`(^|[^\\w])${n}([^\\w]|$)`).test(span)));
  };

  test("troubleshooting.md: every error type, cause and diagnostic reason", () => {
    const names = ["LOAD_FAILED", ...literals("BridgeErrorType"), ...literals("Cause"), ...literals("DiagnosticReason"), ...literals("HelloErrorType").filter((n) => n !== "VERSION_MISMATCH")];
    assert.deepEqual(missing("troubleshooting.md", names), []);
  });

  test("api.md: every option, method and event", () => {
    const names = [
      ...props("CrmLoadOptions"), ...props("SoftphoneInitOptions"), ...props("SoftphoneAttachOptions"),
      ...props("CrmBridge"), ...props("SoftphoneBridge"), ...literals("Cause"),
      "InboundCallStateChange", "AgentStateChange", "Snapshot", "diagnostic",
    ];
    assert.deepEqual(missing("api.md", [...new Set(names)]), []);
  });
});

test("every JSON example of the wire reference type-checks as the envelope it says", async () => {
  const blocks = codeBlocks(docs.get("wire.md")).filter((b) => b.kind === "envelope");
  assert.ok(blocks.length >= 12, `only ${blocks.length} envelope examples`);
  const scratch = await mkdtemp(path.join(tmpdir(), "ctibridge-docs-"));
  try {
    const lines = ['import type * as ctibridge from "ctibridge";'];
    for (const [i, block] of blocks.entries()) {
      assert.doesNotThrow(() => JSON.parse(block.content), `wire.md:${block.line} is not JSON`);
      lines.push(`// wire.md:${block.line}`, `export const e${i}: ctibridge.${block.arg} = ${block.content.trim()};`);
    }
    const file = path.join(scratch, "wire-examples.ts");
    await writeFile(file, `${lines.join("\n")}\n`);
    const project = path.join(scratch, "tsconfig.json");
    await writeFile(project, JSON.stringify({ extends: path.join(repo, "web/test/types/tsconfig.json"), files: [dts, file], include: [] }));
    const result = await run(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", project]).catch((err) => err);
    assert.equal(result.code ?? 0, 0, `the wire examples do not type-check:\n${result.stdout}\n${lines.join("\n").slice(0, 2000)}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

describe("the emulator-testing examples, against the demo", () => {
  let deployment;
  let browser;
  before(async () => {
    deployment = await startDeployment();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await deployment?.close();
  });

  test("the Playwright test answers a call rung in the emulator", async () => {
    const example = path.join(examplesDir, "emulator-answer.test.mjs");
    const result = await run(process.execPath, ["--test", example], {
      // Not NODE_TEST_CONTEXT: the example is a test run of its own, not a subtest of this one.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT")), CRM_URL: deployment.crmUrl, CHROMIUM: chromiumPath() },
      timeout: 120000,
    }).catch((err) => err);
    assert.equal(result.code ?? 0, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^# pass 1$/m);
  });

  test("the CRM page rings a call through the emulator's postMessage API", async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await openDemo(context, deployment);
      const replies = [];
      page.on("console", (msg) => {
        if (msg.text().startsWith("emulator:")) replies.push(JSON.parse(msg.text().slice("emulator:".length)));
      });
      const snippet = await readFile(path.join(examplesDir, "ring-by-postmessage.ts"), "utf8");
      assert.ok(snippet.includes("http://127.0.0.1:8002"));
      await page.addScriptTag({ type: "module", content: snippet.replaceAll("http://127.0.0.1:8002", deployment.sites.emulator.origin) });
      await waitForEvent(page, (e) => e.name === "InboundCallStateChange" && e.message.call.event === "connecting");
      await page.waitForFunction(() => true); // let the console event arrive
      for (let i = 0; i < 100 && replies.length === 0; i++) await page.waitForTimeout(50);
      assert.equal(replies.length, 1);
      assert.equal(replies[0].id, 1);
      assert.match(replies[0].result.contactId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// The Content-Security-Policy of security.md.

const cspBlocks = Object.fromEntries(codeBlocks(docs.get("security.md")).filter((b) => b.kind === "csp").map((b) => {
  const m = /^Content-Security-Policy: (.+)$/.exec(b.content.trim());
  assert.ok(m, `security.md:${b.line}: not a Content-Security-Policy header`);
  return [b.arg, m[1]];
}));

/**
 * The demo deployment (CRM page, softphone page, CCP emulator, three origins) with the security page's policies,
 * the example origins replaced by the servers' own. serve() reads its headers object on every response, so the
 * policies are filled in once the ports are known; the test checks that they are really sent.
 */
async function startWithPolicies(edit = (p) => p) {
  const dir = await mkdtemp(path.join(tmpdir(), "ctibridge-csp-"));
  const headers = { crm: {}, softphone: {}, emulator: {} };
  const routes = {
    "/vendor/connect-streams-min.js": require.resolve("amazon-connect-streams/release/connect-streams-min.js"),
    "/softphone.config.js": path.join(dir, "softphone.config.js"),
    "/demo/config.js": path.join(dir, "config.js"),
  };
  const webRoot = path.join(repo, "web");
  const sites = {};
  for (const name of ["crm", "softphone", "emulator"]) sites[name] = await serve({ root: webRoot, headers: headers[name], routes });
  const ccpUrl = `${sites.emulator.origin}/emulator/index.html`;
  const fill = (policy) => policy
    .replaceAll("https://crm.example.com", sites.crm.origin)
    .replaceAll("https://softphone.example.com", sites.softphone.origin)
    .replaceAll("https://example.my.connect.aws", sites.emulator.origin);
  headers.crm["Content-Security-Policy"] = edit(fill(cspBlocks.crm));
  headers.softphone["Content-Security-Policy"] = fill(cspBlocks.softphone);
  await writeFile(routes["/softphone.config.js"], `export default ${JSON.stringify({
    ccpUrl,
    crmOrigins: [sites.crm.origin],
    streams: { softphone: { allowFramedSoftphone: true, disableRingtone: true }, ccpSynTimeout: 60000 },
  })};\n`);
  await writeFile(routes["/demo/config.js"], `export default ${JSON.stringify({
    softphoneUrl: sites.softphone.url("/softphone.html"),
    softphoneOrigin: sites.softphone.origin,
  })};\n`);
  return {
    sites,
    crmUrl: sites.crm.url("/demo/index.html"),
    close: async () => {
      await Promise.all(Object.values(sites).map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Records every CSP violation of every frame as "<origin> <directive> <blocked URI>". */
async function recordViolations(context) {
  const violations = [];
  await context.exposeBinding("__cspViolation", (_source, text) => violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => globalThis.__cspViolation(`${location.origin} ${e.violatedDirective} ${e.blockedURI}`));
  });
  return violations;
}

describe("the Content-Security-Policy of security.md", () => {
  let browser;
  before(async () => {
    assert.deepEqual(Object.keys(cspBlocks).sort(), ["crm", "softphone"]);
    browser = await launch();
  });
  after(() => browser?.close());

  test("is enough: the demo answers a call under it", async () => {
    const deployment = await startWithPolicies();
    const context = await browser.newContext();
    try {
      const response = await fetch(deployment.crmUrl);
      assert.match(response.headers.get("content-security-policy"), /'wasm-unsafe-eval'/);
      const violations = await recordViolations(context);
      const { page, emulator, errors } = await openDemo(context, deployment);
      await emulator.evaluate(() => ccpEmulator.ring({}));
      await page.click("button.answer:not([hidden])");
      // Not waitForEvent: its predicate uses new Function, which this very policy forbids in the page.
      const connected = await (await page.waitForFunction(() => globalThis.__events.find((e) => e.name === "InboundCallStateChange" &&
        e.message.call.ResponseActual.type === "agent" && e.message.call.event === "connected"), null, { timeout: 15000 })).jsonValue();
      assert.equal(connected.message.call.CallVariables.ANI, "+161081111");
      assert.deepEqual(errors, []);
      const ours = violations.filter((v) => !v.startsWith(deployment.sites.emulator.origin));
      assert.deepEqual(ours, [], "no violation on the CRM page or the softphone page");
    } finally {
      await context.close();
      await deployment.close();
    }
  });

  test("without 'wasm-unsafe-eval', load() rejects with LOAD_FAILED naming it", async () => {
    const deployment = await startWithPolicies((policy) => policy.replace(" 'wasm-unsafe-eval'", ""));
    const context = await browser.newContext();
    try {
      const violations = await recordViolations(context);
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (err) => errors.push(err.message));
      await page.goto(deployment.crmUrl);
      await page.waitForFunction(() => true);
      for (let i = 0; i < 200 && errors.length === 0; i++) await page.waitForTimeout(50);
      const documented = "The page's Content-Security-Policy forbids WebAssembly: add 'wasm-unsafe-eval' to script-src.";
      const flat = (doc) => docs.get(doc).replace(/\s+/g, " ");
      assert.ok(flat("troubleshooting.md").includes(documented) && flat("security.md").includes(documented));
      assert.deepEqual(errors, [documented]);
      assert.ok(violations.some((v) => v.startsWith(`${deployment.sites.crm.origin} script-src`)), violations.join("\n"));
      // The module's selfTest() says the same without any bridge.
      const report = await page.evaluate(async () => (await import("/ctibridge.js")).selfTest());
      assert.equal(report.ok, false);
      assert.match(report.checks[0].detail, /wasm-unsafe-eval/);
    } finally {
      await context.close();
      await deployment.close();
    }
  });
});

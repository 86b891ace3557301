// web/ctibridge.d.ts, checked three ways with the TypeScript compiler pinned in web/test/package.json:
//   - the docs' examples (web/test/types/examples) pass `tsc --noEmit -p`, and are plain JavaScript, so that the
//     package test can run them in a browser as they are;
//   - each deliberately wrong use (web/test/types/wrong) fails, with exactly the error codes, lines and message
//     fragments its `// error TSxxxx: fragment` comments announce, so that it fails for the intended reason;
//   - every union and interface that says it mirrors a Go file has exactly the names Go produces
//     (core/testdata/types-manifest.json, written and kept current by core's TestTypesManifest).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const typesDir = path.join(repo, "web/test/types");
const dts = path.join(repo, "web/ctibridge.d.ts");
const tsc = require.resolve("typescript/bin/tsc");
const ts = require("typescript");

let scratch;
before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "ctibridge-types-"));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Runs tsc --noEmit -p project; returns its exit code and the errors it printed, with continuation lines. */
async function typeCheck(project) {
  let code = 0;
  let out = "";
  try {
    ({ stdout: out } = await run(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", project], { timeout: 120000 }));
  } catch (err) {
    if (typeof err.code !== "number") throw err;
    code = err.code;
    out = err.stdout + err.stderr;
  }
  const errors = [];
  for (const line of out.split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (m) errors.push({ file: path.basename(m[1]), line: Number(m[2]), code: m[4], text: m[5] });
    else if (line.trim() && errors.length) errors.at(-1).text += `\n${line}`;
  }
  return { code, out, errors };
}

async function tsFiles(dir) {
  return (await readdir(path.join(typesDir, dir))).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort();
}

test("the examples type-check", async () => {
  const { code, out } = await typeCheck(path.join(typesDir, "tsconfig.json"));
  assert.equal(code, 0, `tsc failed on the examples:\n${out}`);
  assert.equal(out.trim(), "");
});

test("the examples are plain JavaScript, runnable as they are", async () => {
  const files = await tsFiles("examples");
  assert.ok(files.length >= 3, `examples: ${files}`);
  for (const file of files) {
    const text = await readFile(path.join(typesDir, "examples", file), "utf8");
    // A module (import/export) is checked as ES module, anything else as a classic script.
    const ext = /^\s*(import|export)\s/m.test(text) ? ".mjs" : ".cjs";
    const copy = path.join(scratch, file.replace(/\.ts$/, ext));
    await writeFile(copy, text);
    await assert.doesNotReject(run(process.execPath, ["--check", copy]), `${file} is not plain JavaScript`);
  }
});

describe("each wrong use fails for its intended reason", async () => {
  for (const file of await tsFiles("wrong")) {
    test(file, async () => {
      const source = path.join(typesDir, "wrong", file);
      const expected = (await readFile(source, "utf8")).split("\n").flatMap((text, i) => {
        const m = /\/\/ error (TS\d+)(?:: (.*))?$/.exec(text);
        return m ? [{ line: i + 1, code: m[1], fragment: m[2] ?? "" }] : [];
      });
      assert.ok(expected.length > 0, `${file} announces no error`);
      const project = path.join(scratch, `${file}.tsconfig.json`);
      await writeFile(project, JSON.stringify({
        extends: path.join(typesDir, "tsconfig.json"),
        files: [dts, source],
        include: [],
      }));
      const { code, out, errors } = await typeCheck(project);
      assert.notEqual(code, 0, `tsc accepted ${file}`);
      assert.deepEqual(errors.map(({ file: f, line, code: c }) => ({ file: f, line, code: c })),
        expected.map(({ line, code: c }) => ({ file, line, code: c })), out);
      for (const [i, e] of expected.entries()) {
        assert.ok(errors[i].text.includes(e.fragment), `${file}:${e.line}: expected "${e.fragment}" in:\n${errors[i].text}`);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// The d.ts against what Go produces: core/testdata/types-manifest.json, which core's TestTypesManifest writes
// from Go's own declarations and values (go test ./core -run TestTypesManifest -update) and keeps current.

const manifest = JSON.parse(await readFile(path.join(repo, "core/testdata/types-manifest.json"), "utf8"));
const go = (file) => readFile(path.join(repo, file), "utf8");

/** The body of one Go function, up to the next top-level func. */
function goFunc(src, signature) {
  const start = src.indexOf(signature);
  assert.ok(start >= 0, `no ${signature}`);
  const end = src.indexOf("\nfunc ", start + 1);
  return src.slice(start, end < 0 ? undefined : end);
}

let checker;
let exportsByName;
function loadDts() {
  if (checker) return;
  const program = ts.createProgram([dts], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: [] });
  checker = program.getTypeChecker();
  const sf = program.getSourceFile(dts);
  exportsByName = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(sf)).map((s) => [s.name, s]));
}

function dtsType(name) {
  loadDts();
  const symbol = exportsByName.get(name);
  assert.ok(symbol, `ctibridge.d.ts exports no ${name}`);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

/** The string (or number) literals of an exported union type alias. */
function dtsLiterals(name) {
  const type = dtsType(name);
  const parts = type.isUnion() ? type.types : [type];
  return parts.map((t) => {
    assert.ok(t.isLiteral(), `${name} has a non-literal member ${checker.typeToString(t)}`);
    return t.value;
  });
}

/** The property names of an exported interface or mapped type. */
function dtsProps(name) {
  return checker.getPropertiesOfType(dtsType(name)).map((p) => p.name);
}

const sorted = (list) => [...list].sort();

test("the d.ts unions and fields are what Go produces (core/testdata/types-manifest.json)", () => {
  const m = manifest;
  const same = (name, want) => assert.deepEqual(sorted(dtsLiterals(name)), sorted(want), `${name} vs the manifest`);
  // Buttons and their reasons (core/buttons.go).
  assert.deepEqual(dtsLiterals("ButtonName"), m.buttonNames, "ButtonName, in wire order");
  assert.deepEqual(dtsProps("ButtonStateItems"), m.buttonNames);
  assert.deepEqual(sorted(dtsProps("ButtonFlags")), sorted(m.buttonNames));
  assert.deepEqual(sorted(dtsProps("CallBar")), sorted(m.buttonNames));
  same("ButtonState", m.buttonStates);
  same("ButtonReason", m.buttonReasons);
  // Errors and diagnostics (core/errors.go, core/diagnostics.go, core/controls.go).
  same("Cause", m.causes);
  same("DiagnosticReason", m.diagnosticReasons);
  same("ControlSubtopic", m.controlSubtopics);
  same("ControlErrorType", m.controlErrorTypes);
  same("ErrorType", m.errorTypes);
  same("BridgeErrorType", m.bridgeErrorTypes);
  same("HelloErrorType", m.helloErrorTypes);
  same("LoadErrorReason", m.loadErrorReasons);
  const loadError = checker.getPropertiesOfType(dtsType("LoadError")).find((p) => p.name === "type");
  assert.equal(checker.typeToString(checker.getTypeOfSymbol(loadError)), JSON.stringify(m.loadErrorType));
  // Streams' states, topics, versions (core/state.go, core/wire.go, core/decode.go, core/softphone.go).
  same("ConnectionState", m.connectionStates);
  same("ConnectionType", m.connectionTypes);
  same("Topic", m.topics);
  assert.deepEqual(dtsLiterals("ProtocolVersion"), [m.protocolVersion]);
  same("AgentStateTypeLabel", m.agentStateTypeLabel);
  // The JSON fields of the wire structs (core/wire.go, core/diagnostics.go).
  for (const [goStruct, tsType] of [
    ["CallEvent", "CallEvent"], ["ResponseActual", "ResponseActual"], ["CallVariables", "CallVariables"],
    ["ResponseFields", "ResponseFields"], ["Participant", "Participant"], ["MediaProperties", "MediaProperties"],
    ["WireError", "WireError"], ["AgentStateMessage", "AgentState"], ["RequestArgs", "RequestArgs"], ["Diagnostic", "Diagnostic"],
  ]) {
    assert.deepEqual(sorted(dtsProps(tsType)), sorted(m.fields[goStruct]), `${tsType} vs core/wire.go ${goStruct}`);
  }
  // Envelope: routing fields, source, the vendor's data, message, args and the extensions.
  const envelope = m.fields.Envelope;
  assert.deepEqual(sorted(dtsProps("EnvelopeExtensions")), sorted(envelope.filter((f) => !["channel", "topic", "subtopic", "source", "data", "message", "args"].includes(f))));
  assert.deepEqual(sorted(dtsProps("RequestEnvelope")), sorted(envelope.filter((f) => f !== "message")));
  // Message: every field appears in one of the message shapes, and no shape has a field Go lacks.
  // The vendor's agent messages too, whose rules a CRM delivers but does not read (so Message has no field for it).
  const shapes = ["InboundCallStateChangeMessage", "AgentStateChangeMessage", "SnapshotMessage", "ErrorMessage", "AckMessage",
    "SetAgentStateMessage", "AgentSyncMessage", "AppStateSyncMessage"];
  assert.deepEqual(sorted(new Set(shapes.flatMap(dtsProps))), sorted([...m.fields.Message, "rules"]));
});

// The bridges' methods: one per control (the manifest), plus those wasm/*.go object() adds; both roles' on() is the
// loader's (fastPath's channel.on, set by object()).
test("the bridges have the methods of core/controls.go and of wasm object()", async () => {
  const crm = await go("wasm/crm.go");
  const extra = [...goFunc(crm, "func (b *crmBridge) object()").matchAll(/^\s*"(\w+)":/gm)].map((x) => x[1]);
  // The vendor's requests that are not call controls: wasm/crm.go's vendorMethods table.
  extra.push(...[...crm.matchAll(/^\t\{"(\w+)", core\.Topic/gm)].map((x) => x[1]));
  assert.deepEqual(sorted(dtsProps("CrmBridge")), sorted(["role", "on", ...extra, ...manifest.controlMethods]));
  const spMethods = [...goFunc(await go("wasm/softphone.go"), "func (b *softphoneBridge) object()").matchAll(/^\s*"(\w+)":/gm)].map((x) => x[1]);
  assert.deepEqual(sorted(dtsProps("SoftphoneBridge")), sorted(["role", "on", ...spMethods]));
});

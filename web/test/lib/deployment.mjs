// A whole local deployment for the end-to-end tests: the three origins of lib/sites.mjs, with the softphone's
// and the demo CRM's configuration files generated for the ports the servers got, as a deployer would write them.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import demoConfig from "../../demo/config.js";
import { launch } from "./browser.mjs";
import { startSites } from "./sites.mjs";

/**
 * Starts the deployment. `softphone` overrides fields of the generated softphone.config.js; `softphoneHost`
 * "localhost" embeds the softphone cross-site; `emulator` adds query parameters to the CCP emulator's URL
 * (web/emulator/README.md), e.g. "persist=1".
 * @returns {Promise<{sites: object, crmUrl: string, ccpUrl: string, close: () => Promise<void>}>}
 */
export async function startDeployment({ softphone = {}, headers = {}, routes = {}, softphoneHost = "127.0.0.1", emulator = "" } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), "ctibridge-e2e-"));
  const softphoneConfig = path.join(dir, "softphone.config.js");
  const crmConfig = path.join(dir, "config.js");
  const sites = await startSites({
    headers,
    routes: { "/softphone.config.js": softphoneConfig, "/demo/config.js": crmConfig, ...routes },
  });
  // No percent escapes: Streams logs ccpUrl as a sprintf format, and any "%" makes initCCP throw.
  const ccpUrl = `${sites.emulator.origin}/emulator/index.html?control=${sites.crm.origin}${emulator ? `&${emulator}` : ""}`;
  await writeFile(softphoneConfig, `export default ${JSON.stringify({
    ccpUrl,
    crmOrigins: [sites.crm.origin],
    logoutUrl: sites.emulator.url("/emulator/logout.html"),
    streams: {
      loginUrl: sites.emulator.url("/emulator/login.html"),
      softphone: { allowFramedSoftphone: true, disableRingtone: true },
      pageOptions: { enableAudioDeviceSettings: false, enablePhoneTypeSettings: false },
      ccpSynTimeout: 60000,
    },
    ...softphone,
  })};\n`);
  // softphoneHost "localhost" puts the softphone on another site than the CRM (127.0.0.1): a cross-site frame.
  const softphoneOrigin = sites.softphone.origin.replace("127.0.0.1", softphoneHost);
  // The committed demo configuration (not-ready reasons, quick connects), with the softphone this deployment serves.
  await writeFile(crmConfig, `export default ${JSON.stringify({
    ...demoConfig,
    softphoneUrl: `${softphoneOrigin}/softphone.html`,
    softphoneOrigin,
  })};\n`);
  return {
    sites,
    ccpUrl,
    crmUrl: sites.crm.url("/demo/index.html"),
    close: async () => {
      await sites.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the demo CRM page and waits until its bridge is loaded and the emulator frame is up.
 * Events the CRM receives are recorded in window.__events (name, message) for assertions.
 * @returns {Promise<{page: import("playwright-core").Page, emulator: import("playwright-core").Frame}>}
 */
/**
 * openPlainCRM opens fixtures/interop/plain-crm.html, a CRM page that knows only the vendor's pages (raw envelopes,
 * window.received and window.send), with the softphone role in its frame, and waits until the softphone has
 * reported the agent. Returns {page, emulator}, the emulator being the CCP frame inside the softphone.
 */
export async function openPlainCRM(context, deployment) {
  const { crm, softphone } = deployment.sites;
  const page = await context.newPage();
  await page.goto(`${crm.url("/test/fixtures/interop/plain-crm.html")}?softphone=${softphone.url("/softphone.html")}`);
  const emulator = await waitForFrame(page, (x) => x.url().includes("/emulator/index.html"));
  await emulator.waitForFunction(() => globalThis.ccpEmulator);
  await page.waitForFunction(() => window.received.some((m) => m.topic === "Agent"), null, { timeout: 20000 });
  return { page, emulator };
}

export async function openDemo(context, deployment) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err));
  await page.goto(deployment.crmUrl);
  await page.waitForFunction(() => globalThis.ctibridgeCRM, null, { timeout: 20000 });
  await page.evaluate(() => {
    globalThis.__events = [];
    for (const name of ["InboundCallStateChange", "AgentStateChange", "Snapshot", "diagnostic"]) {
      globalThis.ctibridgeCRM.on(name, (message) => globalThis.__events.push({ name, message }));
    }
  });
  const emulator = await waitForFrame(page, (f) => f.url().includes("/emulator/index.html"));
  await emulator.waitForFunction(() => globalThis.ccpEmulator, null, { timeout: 20000 });
  // The agent is logged in and the softphone has reported it.
  await page.waitForFunction(() => globalThis.ctibridgeCRM.agentState()?.label === "Available", null, { timeout: 20000 });
  return { page, emulator, errors };
}

/** Waits until a frame of the page matches, and returns it. */
export async function waitForFrame(page, match) {
  for (let i = 0; i < 200; i++) {
    const frame = page.frames().find(match);
    if (frame) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error("frame never appeared");
}

/**
 * Waits until the CRM has recorded an event for which `match(event, arg)` is true, and returns it. match runs in
 * the page, so it sees only its arguments.
 */
export async function waitForEvent(page, match, arg = null, timeout = 10000) {
  const handle = await page.waitForFunction(
    ([src, a]) => {
      const f = new Function("e", "arg", `return (${src})(e, arg)`);
      return globalThis.__events.find((e) => f(e, a));
    },
    [match.toString(), arg],
    { timeout },
  );
  return handle.jsonValue();
}

/**
 * Registers node:test hooks that launch Chromium and start a deployment (with `options`) before the tests of
 * the enclosing file or describe, and close both after. The returned object's `browser` and `deployment` are
 * set once they run. `{browser: false}` starts only the deployment, for tests that share a browser.
 */
export function useDeployment(options, { browser = true } = {}) {
  const env = {};
  before(async () => {
    if (browser) env.browser = await launch();
    env.deployment = await startDeployment(options);
  });
  after(async () => {
    await env.browser?.close();
    await env.deployment?.close();
  });
  return env;
}

// The demo CRM page's agent controls end to end (issue 14): its state menu, mute, dial box, quick connects and
// log in/out, clicked as an agent would, through real Streams and the CCP emulator. Each step checks the request
// that reached the emulator and that every button follows the tables (web/docs/agentbuttons.md for the agent's,
// web/docs/buttonstates.md for the call's) in the state the step leaves.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openDemo, useDeployment, waitForEvent } from "../lib/deployment.mjs";

const repo = (p) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const env = useDeployment();

// The selectors of the demo page's controls that the agent's buttons of the same name draw.
const AGENT_CONTROLS = {
  mute: ".agent-card button.mute",
  unmute: ".agent-card button.unmute",
  make_call: ".dial-card button.make-call",
};

/** Waits until every control named in want ({mute: "Enable", ...}) is drawn with that state. */
async function waitForDrawn(page, want) {
  const selectors = Object.fromEntries(Object.keys(want).map((name) => [name, AGENT_CONTROLS[name] ?? name]));
  const drawn = ([selectors, want]) => Object.entries(want).every(([name, state]) => {
    const el = document.querySelector(selectors[name]);
    return el && el.dataset.state === state && el.hidden === (state === "Hide") && el.disabled === (state !== "Enable");
  });
  await page.waitForFunction(drawn, [selectors, want], { timeout: 15000 }).catch(async () => {
    const seen = await page.evaluate((s) => Object.fromEntries(Object.entries(s).map(([n, sel]) => {
      const el = document.querySelector(sel);
      return [n, el && { state: el.dataset.state, hidden: el.hidden, disabled: el.disabled }];
    })), selectors);
    assert.fail(`controls never drawn as ${JSON.stringify(want)}: ${JSON.stringify(seen)}`);
  });
}

/** The state menu: whether it is shown and enabled, its value, and each option's disabled flag. */
function menu(page) {
  return page.evaluate(() => {
    const m = document.getElementById("agent-state");
    const options = Object.fromEntries([...m.querySelectorAll("optgroup option")].map((o) => [o.value, !o.disabled]));
    return { hidden: m.hidden, disabled: m.disabled, value: m.value, enabled: options };
  });
}

/** Waits until the error banner shows, and returns its two lines. */
async function errorShown(page) {
  await page.waitForSelector("#error:not([hidden])", { timeout: 15000 });
  return page.evaluate(() => ({ title: document.getElementById("error-title").textContent, detail: document.getElementById("error-detail").textContent }));
}

/** Screenshots the page: kept under .tmp/screenshots, and in web/docs when SCREENSHOTS=update. */
async function screenshot(page, name) {
  await mkdir(repo(".tmp/screenshots"), { recursive: true });
  await page.screenshot({ path: repo(`.tmp/screenshots/${name}`) });
  if (process.env.SCREENSHOTS === "update") await page.screenshot({ path: repo(`web/docs/${name}`) });
}

test("the demo's agent controls: log in, not ready, available, dial out and hang up, answer, mute, blind transfer to a quick connect, log out", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1300, height: 980 } });
  try {
    const { page, emulator, errors } = await openDemo(context, env.deployment);
    await page.evaluate(() => {
      for (const name of ["SetAgentState", "LoginSuccess", "LogoutSuccess", "StateSync"]) {
        globalThis.ctibridgeCRM.on(name, (message) => globalThis.__events.push({ name, message }));
      }
    });
    const requests = () => emulator.evaluate(() => ccpEmulator.requests());
    const requestsSince = async (n) => (await requests()).slice(n).filter((r) => r.method !== "getAgentStates" && r.method !== "getEndpoints");
    const putStates = async (n) => (await requestsSince(n)).filter((r) => r.method === "putAgentState").map((r) => r.params.state.name);
    const waitForMethod = (method, from) => emulator.waitForFunction(([m, n]) => ccpEmulator.requests().slice(n).some((r) => r.method === m),
      [method, from], { timeout: 15000 });
    const click = (selector) => page.click(`${selector}:not([hidden]):not([disabled])`, { timeout: 15000 });

    // Connected: the page asked for Agent/StateSync and drew R1 (available, no call).
    await page.waitForSelector("#login-state.loggedin", { timeout: 15000 });
    await waitForDrawn(page, { make_call: "Enable", mute: "Enable", unmute: "Hide" });
    assert.deepEqual(await menu(page), { hidden: false, disabled: false, value: "Available",
      enabled: { Available: false, "Not Ready": true, Lunch: true, Break: true, Offline: true } });
    assert.equal(await page.isHidden(".dial-card button.blind-transfer"), true, "no call: consult is Hide, so is a blind transfer");

    // Log in: signed in already, the softphone answers at once.
    await click(".agent-card button.login");
    const login = await waitForEvent(page, (e) => e.name === "LoginSuccess");
    assert.equal(login.message.loginState, "LoggedIn");

    // A not-ready reason, then Available: putAgentState each, and the menu follows N1 then R1.
    let at = (await requests()).length;
    await page.selectOption("#agent-state", "Lunch");
    await page.waitForSelector(".agent-pill.not_routable", { timeout: 15000 });
    assert.deepEqual(await putStates(at), ["Lunch"]);
    assert.deepEqual((await menu(page)).enabled, { Available: true, "Not Ready": true, Lunch: true, Break: true, Offline: true });
    assert.equal((await menu(page)).value, "Lunch");
    await screenshot(page, "demo-agent.png");

    at = (await requests()).length;
    await page.selectOption("#agent-state", "Offline");
    await page.waitForSelector(".agent-pill.offline", { timeout: 15000 });
    assert.deepEqual(await putStates(at), ["Offline"]);
    await waitForDrawn(page, { make_call: "Enable", mute: "Enable" }); // O1: Amazon Connect lets an offline agent dial out

    at = (await requests()).length;
    await page.selectOption("#agent-state", "Available");
    await page.waitForSelector(".agent-pill.routable", { timeout: 15000 });
    assert.deepEqual(await putStates(at), ["Available"]);
    assert.equal((await menu(page)).enabled.Available, false);

    // A number that is not E.164: refused by the CRM, shown, and nothing reaches the emulator.
    at = (await requests()).length;
    await page.fill("#dial-number", "12ab");
    await click(".dial-card button.make-call");
    const bad = await errorShown(page);
    assert.match(bad.title, /^Call 12ab: Make call failed\.$/);
    assert.match(bad.detail, /^MAKE_CALL_FAILED · .+ · INVALID_ARGUMENT$/);
    assert.deepEqual(await requestsSince(at), []);

    // Amazon Connect refuses a call: its message is shown.
    await emulator.evaluate(() => ccpEmulator.failNext("createOutboundContact", "Outbound calls are disabled", "AccessDeniedException"));
    await page.fill("#dial-number", "+15555550123");
    await click(".dial-card button.make-call");
    await page.waitForFunction(() => document.getElementById("error-detail").textContent.includes("AMAZON_CONNECT"), null, { timeout: 15000 });
    const refused = await errorShown(page);
    assert.equal(refused.title, "Call +15555550123: Make call failed.");
    assert.match(refused.detail, /^MAKE_CALL_FAILED · .*Outbound calls are disabled.* · AMAZON_CONNECT$/);

    // Dial out, then hang up from the call bar and clear the contact.
    at = (await requests()).length;
    await click(".dial-card button.make-call");
    await page.waitForSelector("#error", { state: "hidden" });
    await waitForDrawn(page, { "#callbar button.disconnect": "Enable" }); // P4: the customer being dialled
    const dialled = (await requestsSince(at)).filter((r) => r.method === "createOutboundContact");
    assert.equal(dialled.length, 1);
    assert.equal(dialled[0].params.endpoint.phoneNumber, "+15555550123");
    await click("#callbar button.disconnect");
    await waitForMethod("destroyConnection", at);
    await waitForDrawn(page, { "#callbar button.clearContact": "Enable" }); // A5: after-call work
    await click("#callbar button.clearContact");
    await waitForDrawn(page, { make_call: "Enable", "#callbar button.clearContact": "Hide" });

    // A call rings from the emulator; answer it from the call bar.
    const { contactId } = await emulator.evaluate(() => ccpEmulator.ring({}));
    await waitForDrawn(page, { "#callbar button.answer": "Enable" }); // A1
    at = (await requests()).length;
    await click("#callbar button.answer");
    await waitForDrawn(page, { "#callbar button.hold": "Enable", mute: "Enable", unmute: "Hide" }); // P2; C2
    assert.ok((await requestsSince(at)).some((r) => r.method === "acceptContact"));
    await waitForDrawn(page, { ".quick-connects li[data-name=Billing] button.qc-transfer": "Enable" }); // A2: consult

    // Mute and unmute: agent.mute() reaches the CCP as the mute broadcast; the buttons swap (C3, C2).
    const broadcasts = async () => (await emulator.evaluate(() => ccpEmulator.broadcasts())).filter((b) => b.event === "mute").map((b) => b.data.mute);
    await click(".agent-card button.mute");
    await waitForDrawn(page, { mute: "Hide", unmute: "Enable", make_call: "Disable" }); // C3
    assert.deepEqual(await broadcasts(), [true]);
    await page.locator(".agent-pill", { hasText: "muted" }).waitFor({ timeout: 15000 });
    await screenshot(page, "demo-call.png");
    await click(".agent-card button.unmute");
    await waitForDrawn(page, { mute: "Enable", unmute: "Hide" });
    assert.deepEqual(await broadcasts(), [true, false]);

    // Blind transfer to the Billing queue: the party is added, then the agent leaves.
    const billing = (await emulator.evaluate(() => ccpEmulator.quickConnects())).find((q) => q.name === "Billing");
    at = (await requests()).length;
    await click(".quick-connects li[data-name=Billing] button.qc-transfer");
    await waitForDrawn(page, { "#callbar button.clearContact": "Enable" });
    const transfer = await requestsSince(at);
    assert.deepEqual(transfer.map((r) => r.method), ["createAdditionalConnection", "destroyConnection"]);
    assert.equal(transfer[0].params.endpoint.endpointARN, billing.endpointARN, "the configured ARN is the emulator's Billing");
    assert.equal(transfer[0].params.contactId, contactId);
    await click("#callbar button.clearContact");
    await waitForDrawn(page, { "#callbar button.clearContact": "Hide" });

    // Log out: the agent goes offline and the session ends; logged out, every agent button is Hide (L1).
    at = (await requests()).length;
    await click(".agent-card button.logout");
    const logout = await waitForEvent(page, (e) => e.name === "LogoutSuccess", null, 15000);
    assert.equal(logout.message.loginState, "LoggedOut");
    assert.deepEqual(await putStates(at), ["Offline"]);
    await page.waitForSelector("#login-state.loggedout");
    await waitForDrawn(page, { make_call: "Hide", mute: "Hide", unmute: "Hide" });
    assert.equal((await menu(page)).hidden, true);
    assert.equal(await page.isHidden("#error"), true, "no action failed since the refused call");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// The vendor's Login and Logout on Amazon Connect's session, with real Streams and the CCP emulator: a signed-out
// agent gets the login window (the emulator's login.html), signs in there, and the CRM gets LoginSuccess with who
// the agent is; Logout loads the instance's logout endpoint, after which the session is over and a Login needs
// the window again; a browser that blocks the window gets LOGIN_FAILED saying so.
import assert from "node:assert/strict";
import { test } from "node:test";
import { launch } from "../lib/browser.mjs";
import { useDeployment, waitForFrame } from "../lib/deployment.mjs";

// The emulator starts signed out: its CCP frame never acknowledges until the agent signs in.
const env = useDeployment({ emulator: "autoLogin=0" });

// Streams reloads a silent CCP frame every ccpLoadTimeout (5 s): a sign-in shows at the next one.
const SIGN_IN_WAIT_MS = 30_000;

/** Opens the vendor-page CRM (raw envelopes) with the softphone, and returns its helpers. */
async function openCRM(browser) {
  const { crm, softphone } = env.deployment.sites;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${crm.url("/test/fixtures/interop/plain-crm.html")}?softphone=${softphone.url("/softphone.html")}`);
  await page.waitForFunction(() => window.received.some((m) => m.topic === "Bridge"), null, { timeout: 20000 });
  // request posts one request and returns the first envelope after it that match accepts.
  const request = async (req, match, what, timeout = 15000) => {
    const from = await page.evaluate(() => window.received.length);
    await page.evaluate((r) => window.send(r), req);
    const handle = await page.waitForFunction(([from, match]) => window.received.slice(from).find(new Function("m", `return ${match}`)),
      [from, match], { timeout }).catch(() => null);
    assert.ok(handle, `${req.topic}/${req.subtopic}: no ${what}`);
    return handle.jsonValue();
  };
  return { context, page, request };
}

/** Signs in in the login window, as the agent would. */
async function signIn(popup) {
  await popup.waitForLoadState();
  assert.equal(new URL(popup.url()).pathname, "/emulator/login.html");
  await popup.getByRole("button", { name: "Sign in" }).click();
  await popup.getByText("Signed in as jane.doe").waitFor({ timeout: 10000 });
}

const emulatorSession = (page) => waitForFrame(page, (f) => f.url().includes("/emulator/index.html"))
  .then((frame) => frame.evaluate(() => window.ccpEmulator?.session()));

test("signed out, Login opens the login window; signing in there answers LoginSuccess with the agent", async () => {
  const { context, page, request } = await openCRM(env.browser);
  try {
    const sync = await request({ topic: "Agent", subtopic: "StateSync" }, `m.topic === "Agent" && m.subtopic === "StateSync"`, "StateSync");
    assert.equal(sync.message.loginState, "LoggedOut");

    const popup = context.waitForEvent("page", { timeout: SIGN_IN_WAIT_MS });
    const from = await page.evaluate(() => window.received.length);
    await page.evaluate(() => window.send({ topic: "Agent", subtopic: "Login" }));
    const window_ = await popup;
    const waiting = await request({ topic: "Agent", subtopic: "StateSync" }, `m.topic === "Agent" && m.subtopic === "StateSync"`, "StateSync");
    assert.equal(waiting.message.loginState, "LoggingIn");
    assert.equal(await page.evaluate((from) => window.received.slice(from).filter((m) => m.subtopic === "Login").length, from), 0,
      "no error while the agent signs in");

    await signIn(window_);
    const handle = await page.waitForFunction((from) => window.received.slice(from).find((m) => m.subtopic === "LoginSuccess"), from,
      { timeout: SIGN_IN_WAIT_MS });
    const login = await handle.jsonValue();
    assert.equal(login.message.loginState, "LoggedIn");
    assert.deepEqual(login.message.agentInfo, { name: "Jane Doe", id: "7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b", extension: "",
      loginName: "jane.doe", muted: false, softphoneEnabled: true });
    assert.equal(login.message.agentState.name, "Available");
    assert.equal(await emulatorSession(page), "in");
  } finally {
    await context.close();
  }
});

test("Logout ends the instance's session: the emulator is signed out, and a later Login needs the login window", async () => {
  const { context, page, request } = await openCRM(env.browser);
  try {
    // Signed in before the softphone loads, as an agent who signed in earlier in the day.
    const emulator = await waitForFrame(page, (f) => f.url().includes("/emulator/index.html"));
    await emulator.waitForFunction(() => window.ccpEmulator);
    await emulator.evaluate(() => ccpEmulator.login());
    await page.waitForFunction(() => window.received.some((m) => m.subtopic === "AgentStateChange"), null, { timeout: SIGN_IN_WAIT_MS });

    const logout = await request({ topic: "Agent", subtopic: "Logout" }, `m.subtopic === "LogoutSuccess"`, "LogoutSuccess");
    assert.equal(logout.message.loginState, "LoggedOut");
    assert.equal(logout.message.agentInfo.loginName, "jane.doe");
    await emulator.waitForFunction(() => ccpEmulator.session() === "out" && ccpEmulator.snapshot() === null, null, { timeout: 10000 });
    assert.ok((await emulator.evaluate(() => ccpEmulator.requests())).some((r) => r.method === "putAgentState" && r.params.state.name === "Offline"),
      "set Offline before the session ended");
    const sync = await request({ topic: "Agent", subtopic: "StateSync" }, `m.topic === "Agent" && m.subtopic === "StateSync"`, "StateSync");
    assert.equal(sync.message.loginState, "LoggedOut");

    const popup = context.waitForEvent("page", { timeout: SIGN_IN_WAIT_MS });
    const from = await page.evaluate(() => window.received.length);
    await page.evaluate(() => window.send({ topic: "Agent", subtopic: "Login" }));
    await signIn(await popup);
    const handle = await page.waitForFunction((from) => window.received.slice(from).find((m) => m.subtopic === "LoginSuccess" || m.subtopic === "Login"),
      from, { timeout: SIGN_IN_WAIT_MS });
    const login = await handle.jsonValue();
    assert.equal(login.subtopic, "LoginSuccess", JSON.stringify(login));
    assert.equal(login.message.loginState, "LoggedIn");
    assert.equal(login.message.agentInfo.loginName, "jane.doe");
    assert.ok(login.message.agentState?.name, "the agent's state, as Streams reports it after the sign-in");
    assert.equal(await emulatorSession(page), "in");
  } finally {
    await context.close();
  }
});

test("a browser that blocks pop-ups: Login answers LOGIN_FAILED saying the login window was blocked and what to do", async () => {
  // Playwright turns Chromium's pop-up blocker off; a browser as agents run it has it on.
  const browser = await launch({ ignoreDefaultArgs: ["--disable-popup-blocking"] });
  try {
    const { context, request } = await openCRM(browser);
    let opened = 0;
    context.on("page", () => opened++);
    const failed = await request({ topic: "Agent", subtopic: "Login" }, `m.subtopic === "Login" && m.message?.error`, "LOGIN_FAILED", SIGN_IN_WAIT_MS);
    assert.equal(failed.message.error.type, "LOGIN_FAILED");
    assert.equal(failed.message.error.message, "Agent login failed.");
    assert.match(failed.message.error.code, /blocked Amazon Connect's login window/);
    assert.match(failed.message.error.code, /Allow pop-ups for the softphone's site/);
    assert.equal(opened, 0, "no login window");
  } finally {
    await browser.close();
  }
});

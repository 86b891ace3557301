// End-to-end tests of the CCP emulator: the real amazon-connect-streams bundle
// runs in headless Chromium (test/fixtures/streams-host.html) against the
// emulator, and every assertion reads what Streams itself reports.
//
//   cd web/test && node --test --test-concurrency=1 e2e/emulator.test.mjs

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { launch } from "../lib/browser.mjs";
import { startSites } from "../lib/sites.mjs";

const WAIT_MS = 10_000; // upper bound of every wait: a slow 2-core box, no timing claims
const repo = (p) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

let sites;
let browser;

before(async () => {
  [sites, browser] = await Promise.all([startSites(), launch()]);
});

after(async () => {
  await browser?.close();
  await sites?.close();
});

// The emulator's URL. Its query is written out without percent-encoding:
// initCCP logs ccpUrl as a sprintf format, and any "%" in it throws.
function emulatorUrl(options) {
  const query = Object.entries({ control: sites.softphone.origin, ...options })
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  assert.ok(!query.includes("%"), `no "%" may appear in a ccpUrl: ${query}`);
  return sites.emulator.url(`/emulator/index.html?${query}`);
}

/**
 * Opens the Streams host page in a fresh context (initCCP runs once per page)
 * and, unless told not to, waits until Streams has applied the first agent
 * snapshot. `fixture` and `hostQuery` pick another host page and add to its
 * query (streams-login-host.html: Streams' sign-in options).
 */
async function openHost(t, emulatorOptions = {}, { waitReady = true, fixture = "streams-host.html", hostQuery = {} } = {}) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  t.after(() => assert.deepEqual(pageErrors, [], "uncaught errors in the page"));

  const ccp = emulatorUrl(emulatorOptions);
  const query = new URLSearchParams({ ccp, ...hostQuery });
  await page.goto(sites.softphone.url(`/test/fixtures/${fixture}?${query}`));
  if (waitReady) await page.waitForFunction(() => window.host?.ready, null, { timeout: WAIT_MS });
  const frame = page.frames().find((f) => f.url().startsWith(`${sites.emulator.origin}/`));
  assert.ok(frame, "the emulator iframe is loaded");
  return new Harness(page, frame, pageErrors);
}

class Harness {
  constructor(page, frame, pageErrors) {
    this.page = page;
    this.frame = frame;
    this.pageErrors = pageErrors; // a test that expects one takes it out; the rest fail the test
  }

  /** Calls window.host[name](...args) in the Streams host page. */
  host(name, ...args) {
    return this.page.evaluate(([n, a]) => window.host[n](...a), [name, args]);
  }

  /** The CCP frame Streams has now (it replaces the frame when it re-authenticates), or null between two. */
  ccp() {
    return this.page.frames().find((f) => !f.isDetached() && f.url().startsWith(`${sites.emulator.origin}/emulator/index.html`)) ?? null;
  }

  /**
   * Runs fn(arg) in the CCP frame. While Streams re-authenticates it replaces that frame every ccpLoadTimeout,
   * so a frame can go away under an evaluate: then it runs again in the next one.
   */
  async inCcp(fn, arg) {
    for (let attempt = 0; ; attempt++) {
      const frame = this.ccp();
      try {
        if (!frame) throw new Error("no CCP frame");
        await frame.waitForFunction(() => window.ccpEmulator, null, { timeout: WAIT_MS });
        return await frame.evaluate(fn, arg);
      } catch (e) {
        if (attempt >= 100 || (frame && !frame.isDetached() && !/detached|context was destroyed/.test(e.message))) throw e;
        await this.page.waitForTimeout(50);
      }
    }
  }

  /** Calls window.ccpEmulator[name](...args) inside the emulator frame. */
  emu(name, ...args) {
    return this.inCcp(([n, a]) => window.ccpEmulator[n](...a), [name, args]);
  }

  /** The text of the panel element #id, or null while it is hidden. */
  panel(id) {
    return this.inCcp((i) => {
      const node = document.getElementById(i);
      return node && node.checkVisibility() ? node.textContent.trim() : null;
    }, id);
  }

  /** Runs fn(arg) in the host page (connect.* is there). */
  eval(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  /** Number of events recorded so far: pass it to waitFor to ignore older ones. */
  mark() {
    return this.page.evaluate(() => window.host.events.length);
  }

  /** Waits for the first event `name` recorded at or after index `from`. */
  async waitFor(name, from = 0) {
    const handle = await this.page.waitForFunction(
      ([n, f]) => window.host.events.slice(f).find((e) => e.name === n),
      [name, from],
      { timeout: WAIT_MS, polling: 20 },
    );
    return handle.jsonValue();
  }

  /** Waits until fn(arg), run in the host page, is truthy; returns its value. */
  async until(fn, arg) {
    const handle = await this.page.waitForFunction(fn, arg, { timeout: WAIT_MS, polling: 20 });
    return handle.jsonValue();
  }

  async names(from = 0) {
    return this.page.evaluate((f) => window.host.events.slice(f).map((e) => e.name), from);
  }

  async requests(method) {
    return (await this.emu("requests")).filter((r) => r.method === method);
  }

  /** Rings and waits until Streams shows the contact connecting. */
  async ring(options) {
    const from = await this.mark();
    const ids = await this.emu("ring", options);
    await this.waitFor("contact.connecting", from);
    return ids;
  }

  /** Rings, accepts through Streams and waits until the call is connected. */
  async connectedCall(options) {
    const ids = await this.ring(options);
    const from = await this.mark();
    assert.deepEqual(await this.host("accept"), { ok: true, err: null, data: {} });
    await this.waitFor("contact.connected", from);
    return ids;
  }

  /** Waits until the connection's state, as Streams reports it, is `state`. */
  legState(connectionId, state) {
    return this.until(
      ([id, s]) => window.host.contact()?.connections.find((c) => c.connectionId === id)?.state === s,
      [connectionId, state],
    );
  }
}

const byType = (contact, type) => contact.connections.find((c) => c.type === type);

// The operations of the AWS model bundled in the installed Streams: the
// methods the real worker's AWSClient knows (camelCased, as client.call names them).
function ctiModelOperations() {
  const bundle = readFileSync(
    new URL("../node_modules/amazon-connect-streams/release/connect-streams.js", import.meta.url),
    "utf8",
  );
  const start = bundle.indexOf('"serviceFullName":"AmazonConnectCTIService"');
  assert.ok(start > 0, "the CTI service model is in the bundle");
  const operations = bundle.slice(start, bundle.indexOf('"shapes":', start));
  return [...operations.matchAll(/"([A-Z]\w+)":\{"input"/g)].map(([, op]) => op[0].toLowerCase() + op.slice(1));
}

test("handshake: Streams initialises against the emulator and sees an Available, routable agent", async (t) => {
  const h = await openHost(t);
  const names = await h.names();
  assert.deepEqual(names.slice(0, 3), ["core.init", "agent.init", "agent.routable"]);
  const change = (await h.eval(() => window.host.events)).find((e) => e.name === "agent.stateChange");
  assert.deepEqual([change.oldState, change.newState], ["Init", "Available"]);
  assert.deepEqual(await h.eval(() => window.host.agent()).then(({ name, type }) => ({ name, type })), {
    name: "Available",
    type: "routable",
  });

  // The agent data Streams reads from the configuration and the snapshot.
  const agent = await h.eval(() => {
    const a = new connect.Agent();
    return {
      language: a.getConfiguration().agentPreferences.LANGUAGE,
      resourceId: a._getResourceId(),
      instanceId: connect.core.getAgentDataProvider().getInstanceId(),
      startIsDate: a.getState().startTimestamp instanceof Date,
      stateDuration: a.getStateDuration(),
      availability: a.getAvailabilityState().state,
      next: a.getNextState(),
      states: a.getAgentStates().map((s) => `${s.name}/${s.type}`),
      connectedCcps: connect.numberOfConnectedCCPs,
    };
  });
  assert.equal(agent.language, "en_US");
  assert.match(agent.resourceId, /^[0-9a-f-]{36}$/);
  assert.match(agent.instanceId, /^[0-9a-f-]{36}$/);
  assert.equal(agent.startIsDate, true);
  assert.equal(typeof agent.stateDuration, "number");
  assert.equal(agent.availability, "Available");
  assert.equal(agent.next, undefined);
  assert.deepEqual(agent.states, ["Available/routable", "Not Ready/not_routable", "Lunch/not_routable", "Break/not_routable", "Offline/offline"]);
  assert.equal(agent.connectedCcps, 1);

  assert.deepEqual(await h.emu("requests"), [], "initCCP itself calls no API method");
  assert.equal(await h.host("ifMaster", "ctibridge-test"), true, "master_request is answered");
  // The keepalive: one synchronize per second after each acknowledge.
  await h.until(() => window.host.received("acknowledge") >= 3);
});

test("autoLogin=0: the emulator stays silent until login() completes the handshake", async (t) => {
  const h = await openHost(t, { autoLogin: 0 }, { waitReady: false });
  await h.page.waitForTimeout(1000); // well inside ccpLoadTimeout (5 s), so Streams does not reload the iframe yet
  assert.equal(await h.host("received", "acknowledge"), 0);
  assert.equal(await h.eval(() => window.host.ready), false);
  assert.equal(await h.emu("snapshot"), null);
  assert.deepEqual(await h.emu("login"), { name: "Available", type: "routable" });
  await h.until(() => window.host.ready);
  assert.equal((await h.host("agent")).name, "Available");
});

test("ring: onConnecting with the agent PendingBusy, [agent, customer] legs and the ANI on the initial connection", async (t) => {
  const h = await openHost(t);
  const from = await h.mark();
  const ids = await h.ring();
  const event = await h.waitFor("contact.connecting", from);
  assert.equal(event.agent.name, "PendingBusy");
  assert.equal(event.agent.type, "system");
  assert.equal(event.contact.state, "connecting");
  assert.deepEqual(
    event.contact.connections.map((c) => [c.connectionId, c.type, c.initial, c.state]),
    [
      [ids.agentConnectionId, "agent", false, "connecting"],
      [ids.customerConnectionId, "inbound", true, "connected"],
    ],
  );
  assert.equal(event.contact.contactId, ids.contactId);
  assert.ok(!(await h.names(from)).includes("contact.incoming"), "inbound voice starts in connecting, not incoming");

  const seen = await h.eval(() => {
    const c = new connect.Agent().getContacts()[0];
    return {
      ani: c.getInitialConnection().getEndpoint().phoneNumber,
      agentPhone: c.getAgentConnection().getEndpoint().phoneNumber,
      dnis: c.getAttributes().DNIS,
      queue: c.getQueue().name,
      queueTimestampIsDate: c.getQueueTimestamp() instanceof Date,
      duration: c.getContactDuration(),
      customerEndpoint: c.getCustomerEndpoint(),
      initiationMethod: c.getInitiationMethod(),
      availability: new connect.Agent().getAvailabilityState().state,
    };
  });
  assert.deepEqual(seen, {
    ani: "+161081111",
    agentPhone: null,
    dnis: { name: "DNIS", value: "+16013261548" },
    queue: "InboundTest",
    queueTimestampIsDate: true,
    duration: seen.duration,
    customerEndpoint: undefined,
    initiationMethod: null,
    availability: "Available",
  });
  assert.match(seen.duration, /^\d+$/, "contactDuration is a string of seconds");

  // The raw snapshot, as JSON: null vs absent as the AWS SDK parser leaves them.
  const { snapshot } = await h.emu("snapshot");
  assert.equal("nextState" in snapshot, false);
  assert.equal("status" in snapshot, false, "status is undefined (dropped by JSON)");
  assert.equal(typeof snapshot.skew, "number");
  const contact = snapshot.contacts[0];
  assert.equal(contact.name, null);
  assert.equal(contact.description, null);
  assert.deepEqual(contact.contactFeatures, { attachmentsEnabled: null, messagingMarkdownEnabled: null, multiPartyConferenceEnabled: false });
  assert.deepEqual(contact.connections[0].endpoint, { type: "agent", phoneNumber: null, name: null, endpointARN: null, agentLogin: null });
  assert.equal(contact.connections[0].softphoneMediaInfo.callType, "audio_only");
  assert.equal("softphoneMediaInfo" in contact.connections[1], false);
  for (const conn of contact.connections) {
    assert.deepEqual([conn.mute, conn.forcedMute, conn.monitorStatus, conn.quickConnectName], [false, null, null, null]);
  }
});

test("ring options: SIP ANI, system endpoints, initiation method, attributes, system-state ARNs", async (t) => {
  const h = await openHost(t);
  await h.ring({
    ani: "sip:+15555550100@lily-outbound",
    dnis: "+15555550111",
    systemEndpoints: true,
    initiationMethod: "inbound",
    attributes: { caseId: "C-42", tier: { name: "tier", value: "gold" } },
    agentStateARN: true,
  });
  const seen = await h.eval(() => {
    const agent = new connect.Agent();
    const c = agent.getContacts()[0];
    return {
      ani: c.getInitialConnection().getEndpoint().phoneNumber,
      stripped: c.getInitialConnection().getEndpoint().stripPhoneNumber(),
      customer: c.getCustomerEndpoint().phoneNumber,
      system: c.getConnectSystemEndpoint().phoneNumber,
      initiationMethod: c.getInitiationMethod(),
      attributes: c.getAttributes(),
      stateARN: agent.getState().agentStateARN,
    };
  });
  assert.equal(seen.ani, "sip:+15555550100@lily-outbound");
  assert.equal(seen.stripped, "+15555550100");
  assert.equal(seen.customer, "sip:+15555550100@lily-outbound");
  assert.equal(seen.system, "+15555550111");
  assert.equal(seen.initiationMethod, "inbound");
  assert.deepEqual(seen.attributes, {
    caseId: { name: "caseId", value: "C-42" },
    tier: { name: "tier", value: "gold" },
    DNIS: { name: "DNIS", value: "+15555550111" },
  });
  assert.match(seen.stateARN, /^arn:aws:connect:.*\/agent-state\//);
});

test("accept: onConnected with the agent Busy, onAccepted, exactly one acceptContact, a growing contactDuration", async (t) => {
  const h = await openHost(t);
  const ids = await h.ring();
  const from = await h.mark();
  assert.deepEqual(await h.host("accept"), { ok: true, err: null, data: {} });
  const connected = await h.waitFor("contact.connected", from);
  await h.waitFor("contact.accepted", from);
  assert.equal(connected.agent.name, "Busy");
  assert.equal(byType(connected.contact, "agent").state, "connected");
  assert.equal(byType(connected.contact, "inbound").state, "connected");
  assert.deepEqual(await h.host("legHistory", ids.agentConnectionId), ["connecting", "connected"]);

  const accepts = await h.requests("acceptContact");
  assert.equal(accepts.length, 1);
  assert.deepEqual(accepts[0].params, { contactId: ids.contactId });
  assert.equal(
    await h.eval(() => new connect.Agent().getAvailabilityState().state),
    "Available",
    "agentAvailabilityState keeps the agent-selected state",
  );

  const first = await h.eval(() => new connect.Agent().getContacts()[0].getContactDuration());
  const later = await h.until((before) => {
    const now = new connect.Agent().getContacts()[0].getContactDuration();
    return Number(now) > Number(before) && now;
  }, first);
  assert.ok(Number(later) > Number(first));
});

test("accept with connectDelay: onAccepted comes before onConnected, as in production", async (t) => {
  const h = await openHost(t, { connectDelay: 1500 }); // far longer than the broadcast round trip, even on a loaded machine
  await h.ring();
  const from = await h.mark();
  await h.host("accept");
  await h.waitFor("contact.connected", from);
  const names = await h.names(from);
  assert.ok(names.indexOf("contact.accepted") < names.indexOf("contact.connected"), names.join(" "));
});

test("failNext: the raw client failure carries the message; contact.accept() only gets \"error\"", async (t) => {
  const h = await openHost(t);
  const { contactId } = await h.ring();
  const message = "AgentNotAvailable: the agent is not available";

  await h.emu("failNext", "acceptContact", message);
  const raw = await h.host("rawCall", "acceptContact", { contactId });
  assert.equal(raw.ok, false);
  assert.equal(typeof raw.err, "string", "the worker sends err as JSON.stringify(err)");
  assert.deepEqual(JSON.parse(raw.err), { type: "InvalidStateException", message, stack: [], retryStatus: "none", statusCode: 400 });
  assert.equal(raw.data, null);

  await h.emu("failNext", "acceptContact", message);
  assert.deepEqual(await h.host("accept"), { ok: false, err: "error", data: null }, "Contact.accept drops the error");
  assert.equal((await h.host("contact")).state, "connecting", "a failed accept changes nothing");

  const from = await h.mark();
  assert.equal((await h.host("accept")).ok, true, "only the next request fails");
  await h.waitFor("contact.connected", from);
  assert.equal((await h.requests("acceptContact")).length, 3);
});

test("hold, resume and sendDigits", async (t) => {
  const h = await openHost(t);
  const ids = await h.connectedCall();
  assert.equal((await h.host("hold", "customer")).ok, true);
  await h.legState(ids.customerConnectionId, "hold");
  assert.equal(await h.eval(() => new connect.Agent().getContacts()[0].getInitialConnection().isOnHold()), true);
  assert.equal((await h.host("resume", "customer")).ok, true);
  await h.legState(ids.customerConnectionId, "connected");
  assert.deepEqual(await h.host("legHistory", ids.customerConnectionId), ["connected", "hold", "connected"]);

  assert.equal((await h.host("sendDigits", "12#")).ok, true);
  assert.equal((await h.host("sendDigits", "3")).ok, true);
  assert.equal(await h.emu("digits"), "12#3");
  assert.deepEqual(
    (await h.requests("sendDigits")).map((r) => r.params),
    [
      { contactId: ids.contactId, connectionId: ids.agentConnectionId, digits: "12#" },
      { contactId: ids.contactId, connectionId: ids.agentConnectionId, digits: "3" },
    ],
  );
  assert.equal((await h.host("resume", "customer")).ok, false, "resume needs a held connection");
});

test("consult: third party connecting → connected, swap, conference, third party leaves, hang up → ACW → clear → Available", async (t) => {
  const h = await openHost(t, { thirdPartyDelay: -1 });
  const ids = await h.connectedCall();

  assert.equal((await h.host("addConnection", "+15555550199")).ok, true);
  const third = await h.until(() => window.host.contact()?.connections.find((c) => !c.initial && c.type === "outbound"));
  assert.deepEqual([third.state, third.phoneNumber], ["connecting", "+15555550199"]);
  await h.legState(ids.customerConnectionId, "hold");
  assert.deepEqual((await h.requests("createAdditionalConnection"))[0].params.endpoint.phoneNumber, "+15555550199");

  await h.emu("thirdPartyAnswer");
  await h.legState(third.connectionId, "connected");

  assert.equal((await h.host("swap")).ok, true);
  await h.legState(ids.customerConnectionId, "connected");
  await h.legState(third.connectionId, "hold");

  assert.equal((await h.host("conference")).ok, true);
  await h.legState(third.connectionId, "connected");
  await h.legState(ids.customerConnectionId, "connected");

  await h.emu("thirdPartyHangup");
  await h.until((id) => !window.host.contact().connections.some((c) => c.connectionId === id), third.connectionId);
  assert.deepEqual(await h.host("legHistory", third.connectionId), ["connecting", "connected", "hold", "connected", "disconnected"]);
  assert.equal((await h.host("contact")).state, "connected", "the call goes on with the customer");

  let from = await h.mark();
  assert.equal((await h.host("destroy", "agent")).ok, true);
  const acw = await h.waitFor("contact.acw", from);
  await h.waitFor("agent.acw", from);
  assert.equal(acw.agent.name, "AfterCallWork");
  assert.equal(acw.contact.state, "ended");
  assert.ok(acw.contact.connections.every((c) => c.state === "disconnected"));

  from = await h.mark();
  assert.equal((await h.host("clear")).ok, true);
  await h.waitFor("contact.destroy", from);
  const change = await h.waitFor("agent.stateChange", from);
  assert.deepEqual([change.oldState, change.newState], ["AfterCallWork", "Available"]);
  assert.equal((await h.host("agent")).type, "routable");
});

test("transfer: the agent leaves while the third party is with the customer; the contact ends for the agent", async (t) => {
  const h = await openHost(t, { thirdPartyDelay: 0 });
  await h.connectedCall();
  assert.equal((await h.host("addConnection", "+15555550199")).ok, true);
  await h.until(() => window.host.contact().connections.some((c) => !c.initial && c.type === "outbound" && c.state === "connected"));
  const from = await h.mark();
  assert.equal((await h.host("destroy", "agent")).ok, true);
  const acw = await h.waitFor("contact.acw", from);
  assert.equal(acw.agent.name, "AfterCallWork");
});

test("the customer hangs up: contact ended, agent AfterCallWork; destroying the customer leg does the same", async (t) => {
  const h = await openHost(t);
  await h.connectedCall();
  let from = await h.mark();
  await h.emu("hangup");
  const acw = await h.waitFor("contact.acw", from);
  await h.waitFor("contact.ended", from);
  assert.equal(acw.agent.name, "AfterCallWork");
  assert.ok(acw.contact.connections.every((c) => c.state === "disconnected"));
  await h.host("clear");
  await h.until(() => window.host.agent().name === "Available");

  await h.connectedCall();
  from = await h.mark();
  assert.equal((await h.host("destroy", "customer")).ok, true);
  assert.equal((await h.waitFor("contact.acw", from)).agent.name, "AfterCallWork");
});

test("reject while ringing: contact error, FailedConnectAgent, onMissed; reject on a connected call fails with a 4xx", async (t) => {
  const h = await openHost(t);
  const ids = await h.ring();
  let from = await h.mark();
  assert.equal((await h.host("reject")).ok, true);
  const missed = await h.waitFor("contact.missed", from);
  await h.waitFor("agent.error", from);
  assert.deepEqual(missed.agent, { name: "FailedConnectAgent", type: "error" });
  assert.equal(missed.contact.state, "error");
  assert.equal(byType(missed.contact, "agent").state, "disconnected");
  assert.equal(byType(missed.contact, "inbound").state, "connected");
  assert.deepEqual((await h.requests("rejectContact"))[0].params, { contactId: ids.contactId });

  from = await h.mark();
  await h.host("clear");
  await h.waitFor("contact.destroy", from);
  await h.until(() => window.host.agent().name === "Available");

  await h.connectedCall();
  const result = await h.host("reject");
  assert.equal(result.ok, false);
  assert.equal(JSON.parse(result.err).statusCode, 400);
  assert.equal((await h.host("contact")).state, "connected");
});

test("miss: the ring times out, contact error, agent MissedCallAgent; clear restores Available", async (t) => {
  const h = await openHost(t);
  await h.ring();
  let from = await h.mark();
  await h.emu("miss");
  const missed = await h.waitFor("contact.missed", from);
  assert.deepEqual(missed.agent, { name: "MissedCallAgent", type: "error" });
  assert.equal(missed.contact.state, "error");
  from = await h.mark();
  await h.host("clear");
  await h.waitFor("agent.routable", from);
  assert.equal((await h.host("agent")).name, "Available");
});

test("agent states: Available → Not Ready → Offline; setState during a call fails unless enqueued", async (t) => {
  const h = await openHost(t);
  let from = await h.mark();
  assert.equal((await h.host("setState", "Not Ready")).ok, true);
  let change = await h.waitFor("agent.stateChange", from);
  await h.waitFor("agent.notRoutable", from);
  assert.deepEqual([change.oldState, change.newState, change.agent.type], ["Available", "Not Ready", "not_routable"]);
  assert.equal((await h.host("agent")).availability.state, "Not Ready");
  assert.deepEqual((await h.requests("putAgentState"))[0].params.state.name, "Not Ready");

  from = await h.mark();
  assert.equal((await h.host("setState", "Offline")).ok, true);
  change = await h.waitFor("agent.stateChange", from);
  await h.waitFor("agent.offline", from);
  assert.deepEqual([change.oldState, change.newState, change.agent.type], ["Not Ready", "Offline", "offline"]);

  await h.host("setState", "Available");
  await h.until(() => window.host.agent().name === "Available");
  await h.connectedCall();
  const refused = await h.host("setState", "Offline");
  assert.equal(refused.ok, false);
  assert.match(JSON.parse(refused.err).message, /live contact/);

  from = await h.mark();
  assert.equal((await h.host("setState", "Offline", { enqueueNextState: true })).ok, true);
  await h.waitFor("agent.enqueuedNextState", from);
  const during = await h.host("agent");
  assert.deepEqual([during.name, during.next.name, during.availability.state], ["Busy", "Offline", "Available"]);

  await h.host("destroy", "agent");
  await h.until(() => window.host.agent().name === "AfterCallWork");
  from = await h.mark();
  await h.host("clear");
  change = await h.waitFor("agent.stateChange", from);
  assert.deepEqual([change.oldState, change.newState], ["AfterCallWork", "Offline"]);
  assert.equal((await h.host("agent")).next, null);
});

test("quick connects: getEndpoints pages through them; an agent quick connect dials INTERNAL-TRANSFER", async (t) => {
  const h = await openHost(t, { thirdPartyDelay: -1 });
  const listed = await h.host("getEndpoints", { maxResults: 1 });
  assert.equal(listed.ok, true);
  assert.deepEqual(
    listed.data.endpoints.map((e) => [e.type, e.name]),
    [
      ["agent", "Supervisor"],
      ["queue", "Billing"],
      ["phone_number", "Outside line"],
    ],
  );
  assert.equal((await h.requests("getEndpoints")).length, 3, "one request per page");

  await h.connectedCall();
  const supervisor = listed.data.endpoints[0];
  assert.equal((await h.host("addConnection", supervisor)).ok, true);
  const third = await h.until(() => window.host.contact()?.connections.find((c) => !c.initial && c.type === "outbound"));
  assert.equal(third.phoneNumber, "INTERNAL-TRANSFER");
  assert.equal((await h.emu("snapshot")).snapshot.contacts[0].connections[2].quickConnectName, "Supervisor");
});

test("outbound call: both legs connecting and CallingCustomer while dialling, Busy once the customer answers", async (t) => {
  const h = await openHost(t, { thirdPartyDelay: -1 });
  let from = await h.mark();
  assert.equal((await h.host("dial", "+15555550123")).ok, true);
  const connecting = await h.waitFor("contact.connecting", from);
  assert.equal(connecting.agent.name, "CallingCustomer");
  assert.deepEqual(
    connecting.contact.connections.map((c) => [c.type, c.initial, c.state, c.phoneNumber]),
    [
      ["agent", false, "connecting", null],
      ["outbound", true, "connecting", "+15555550123"],
    ],
  );
  const [agentLeg, customerLeg] = connecting.contact.connections.map((c) => c.connectionId);
  const [request] = await h.requests("createOutboundContact");
  assert.deepEqual(request.params.endpoint.phoneNumber, "+15555550123");
  assert.match(request.params.queueARN, /\/queue\//, "Agent.connect sends the default outbound queue");
  from = await h.mark();
  await h.emu("thirdPartyAnswer");
  const connected = await h.waitFor("contact.connected", from);
  assert.equal(connected.agent.name, "Busy");
  assert.ok(connected.contact.connections.every((c) => c.state === "connected"));
  // A1 outboundVoiceContact: the customer answers while the agent's leg is still connecting.
  assert.deepEqual(await h.host("legHistory", customerLeg), ["connecting", "connected"]);
  assert.deepEqual(await h.host("legHistory", agentLeg), ["connecting", "connected"]);
  const { snapshot } = await h.emu("snapshot");
  assert.equal(snapshot.contacts[0].initiationMethod, "outbound");
});

test("every AWS model operation of the installed Streams is known to the emulator; other methods fail as unknown", async (t) => {
  const h = await openHost(t);
  const modelled = ctiModelOperations();
  assert.equal(modelled.length, 33, "Streams 2.28.2 bundles 33 operations: re-check the emulator after an upgrade");
  const clientMethods = await h.eval(() => Object.values(connect.ClientMethods));
  for (const method of new Set([...modelled, ...clientMethods])) {
    const result = await h.host("rawCall", method, {});
    const unknown = result.err === "{}";
    assert.equal(unknown, !modelled.includes(method), `${method}: ${JSON.stringify(result)}`);
  }
  assert.deepEqual(await h.host("contact"), null, "probing changed nothing");
  assert.equal((await h.host("agent")).name, "Available");
});

test("unknown methods fail as the real worker's AWS client does; unemulated ones fail loudly", async (t) => {
  const h = await openHost(t);
  const unknown = await h.host("rawCall", "transferContact", { contactId: "x" });
  assert.deepEqual(unknown, { ok: false, err: "{}", data: { message: "No such method exists on AWS client: transferContact" } });
  const unemulated = await h.host("rawCall", "pauseContact", { contactId: "x" });
  assert.equal(unemulated.ok, false);
  assert.equal(JSON.parse(unemulated.err).type, "NotImplemented");
  const noContact = await h.host("rawCall", "acceptContact", { contactId: "nope" });
  assert.equal(JSON.parse(noContact.err).type, "InvalidStateException");
});

test("postMessage scripting from an allowed origin works", async (t) => {
  const h = await openHost(t); // control = the host page's origin
  const from = await h.mark();
  const reply = await h.host("script", "ring", { ani: "+15555550100" });
  assert.equal(typeof reply.id, "number");
  assert.match(reply.result.contactId, /^[0-9a-f-]{36}$/);
  const event = await h.waitFor("contact.connecting", from);
  assert.equal(byType(event.contact, "inbound").phoneNumber, "+15555550100");
  assert.match((await h.host("script", "ring")).error, /already in progress/);
  assert.match((await h.host("script", "noSuchCall")).error, /unknown call/);
  assert.equal((await h.host("script", "digits")).result, "");
});

test("postMessage scripting from an origin not in ?control= is ignored", async (t) => {
  const h = await openHost(t, { control: sites.crm.origin });
  assert.equal(await h.host("script", "ring"), "timeout");
  assert.deepEqual((await h.emu("snapshot")).snapshot.contacts, []);
});

test("disappear: the emulator stops acknowledging and answering; reappear resumes", async (t) => {
  const h = await openHost(t);
  await h.until(() => window.host.received("acknowledge") >= 2);
  await h.emu("disappear");
  const before = await h.host("received", "acknowledge");
  const lost = h.host("setState", "Not Ready"); // its request is dropped: the call times out
  await h.page.waitForTimeout(2500); // longer than a keepalive period (1 s)
  assert.equal(await h.host("received", "acknowledge"), before);
  assert.deepEqual(await lost, { ok: false, err: "timeout", data: null });
  assert.equal((await h.host("agent")).name, "Available");

  await h.emu("reappear");
  await h.until((n) => window.host.received("acknowledge") > n, before);
  assert.equal((await h.host("setState", "Not Ready")).ok, true);
});

test("reset: back to an idle Available agent with nothing recorded", async (t) => {
  const h = await openHost(t);
  await h.connectedCall();
  await h.host("sendDigits", "9");
  const from = await h.mark();
  await h.emu("reset");
  await h.waitFor("contact.destroy", from);
  assert.equal((await h.host("agent")).name, "Available");
  assert.deepEqual(await h.emu("requests"), []);
  assert.equal(await h.emu("digits"), "");
});

// ---------------------------------------------------------------------------
// The session: signed out, the login window, the logout endpoint.

// Streams opens its login window only after its own timers (ccpLoadTimeout, ccpAckTimeout) and a Web Lock.
const POPUP_WAIT_MS = 30_000;

// Streams reloads a silent CCP frame every ccpLoadTimeout, 10 times at most: 3 s gives a loaded machine 30 s to
// sign in before Streams gives up.
const loginHost = (extra = {}) => ({
  fixture: "streams-login-host.html",
  hostQuery: { loginUrl: sites.emulator.url("/emulator/login.html"), ccpLoadTimeout: 3000, ccpAckTimeout: 500, ...extra },
});

/** Signs in in Streams' login window, as the agent would. */
async function signInThere(popup) {
  assert.equal(new URL(popup.url()).pathname, "/emulator/login.html");
  await popup.getByRole("button", { name: "Sign in" }).click();
  try {
    await popup.getByText("Signed in as jane.doe").waitFor({ timeout: WAIT_MS });
  } catch (e) {
    if (!popup.isClosed()) throw e; // else Streams has already closed it: the next CCP frame acknowledged
  }
}

/** Loads the instance's logout endpoint in a hidden frame of the host page, as a softphone signing out does. */
function loadLogoutEndpoint(h) {
  return h.eval((url) => {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.src = url;
    document.body.append(frame);
  }, sites.emulator.url("/emulator/logout.html"));
}

test("signed out: no acknowledge, Streams times out and opens the login window; signing in there lets the next CCP frame continue", async (t) => {
  const h = await openHost(t, { autoLogin: 0 }, { waitReady: false, ...loginHost() });
  const popup = await h.page.waitForEvent("popup", { timeout: POPUP_WAIT_MS });
  assert.ok((await h.eval(() => window.session.count("ack_timeout"))) >= 1, "the load timeout fired");
  assert.equal(await h.host("received", "acknowledge"), 0, "a signed-out CCP says nothing");
  assert.equal(await h.eval(() => window.host.ready), false);
  assert.equal(await h.emu("session"), null);
  assert.equal(await h.panel("link"), "Signed out");
  assert.match(await h.panel("signed-out"), /signed out/);

  await signInThere(popup);
  assert.equal(await h.emu("session"), "in");
  await h.until(() => window.host.ready); // Streams' next reload of the CCP frame acknowledges
  await h.until(() => window.host.agent().name === "Available");
  for (let i = 0; i < 200 && !popup.isClosed(); i++) await h.page.waitForTimeout(50);
  assert.equal(popup.isClosed(), true, "loginPopupAutoClose: Streams closes the login window on the acknowledge");
  assert.equal(await h.panel("link"), "Linked");
  assert.equal((await h.host("setState", "Lunch")).ok, true, "the CCP answers API requests again");
});

test("the logout endpoint signs out: Streams gets terminated, the CCP falls silent, the login window signs the agent back in", async (t) => {
  const h = await openHost(t, {}, loginHost());
  const popup = h.page.waitForEvent("popup", { timeout: POPUP_WAIT_MS });
  await loadLogoutEndpoint(h);
  await h.until(() => window.session.count("terminated") === 1);
  assert.equal(await h.emu("session"), "out");
  assert.equal(await h.emu("snapshot"), null);
  assert.equal(await h.panel("link"), "Signed out");
  assert.equal(await h.panel("logout"), null, "no Sign out button while signed out");

  // Streams re-authenticates after ccpAckTimeout: the login window, and reloads of the CCP frame.
  const window_ = await popup;
  const updates = await h.host("received", "agent::update");
  await signInThere(window_);
  await h.until((n) => window.host.received("agent::update") > n, updates);
  assert.equal(await h.emu("session"), "in");
  assert.equal(await h.panel("link"), "Linked");
  assert.equal((await h.host("setState", "Break")).ok, true);
  await h.until(() => window.host.agent().name === "Break");
});

test("connect.core.terminate() and then the logout endpoint: nothing reaches the CCP any more, and the session is over", async (t) => {
  const h = await openHost(t, {}, loginHost());
  // Streams publishes its init metrics upstream 1 s after the first acknowledge, and throws "There is no
  // upstream conduit!" from that timer if terminate() came first: a softphone must not terminate sooner.
  await h.until(() => window.session.metrics.includes("IframeInitializationTime")); // the last of them
  await h.eval(() => connect.core.terminate());
  await loadLogoutEndpoint(h);
  await h.ccp().waitForFunction(() => window.ccpEmulator.snapshot() === null, null, { timeout: WAIT_MS });
  assert.equal(await h.emu("session"), "out");
  const refused = await h.host("rawCall", "putAgentState", { state: { name: "Available", type: "routable" } });
  assert.equal(refused.ok, false);
  assert.match(refused.err.message, /NULL client/, "a terminated Streams calls nothing");
  assert.deepEqual(await h.requests("putAgentState"), []);
  // terminate() leaves Streams' KeepaliveManager running: once the signed-out CCP stops acknowledging, its ack
  // timer asks for the upstream conduit that terminate() removed, and throws, uncaught, every keepalive period.
  for (let i = 0; i < 200 && h.pageErrors.length === 0; i++) await h.page.waitForTimeout(50);
  await h.page.goto("about:blank"); // the only way to stop it
  assert.deepEqual([...new Set(h.pageErrors.splice(0))], ["There is no upstream conduit!"]);
});

test("an expired session: the CCP sends auth_fail, Streams' onAuthFail fires and it opens the login window", async (t) => {
  const h = await openHost(t, {}, loginHost());
  await h.eval(() => {
    window.authFails = 0;
    connect.core.onAuthFail(() => window.authFails++);
  });
  const popup = h.page.waitForEvent("popup", { timeout: POPUP_WAIT_MS });
  await h.emu("expire");
  await h.until(() => window.authFails === 1);
  assert.equal(await h.eval(() => window.session.count("terminated")), 0);
  await signInThere(await popup);
  await h.until(() => window.host.received("acknowledge") > 0 && window.host.agent().name === "Available");
  assert.equal(await h.emu("session"), "in");
});

test("a signed-in session outlives the CCP frame: autoLogin=0 acknowledges at once when the session is in", async (t) => {
  const h = await openHost(t, { autoLogin: 0 }, { waitReady: false });
  assert.equal(await h.emu("session"), null);
  await h.emu("login");
  await h.until(() => window.host.ready);
  await h.ccp().evaluate(() => location.reload());
  await h.until(() => window.host.received("update_connected_ccps") === 2);
  assert.equal(await h.emu("session"), "in");
  assert.equal((await h.emu("snapshot")).snapshot.state.name, "Available");
});

// ---------------------------------------------------------------------------
// Agent states with not-ready reasons.

test("agent states: the not-ready reasons Lunch and Break, getAgentStates with ARNs, Amazon's refusals, and the panel's menu", async (t) => {
  const h = await openHost(t);
  const configured = await h.eval(() => new connect.Agent().getAgentStates());
  const listed = await h.host("rawCall", "getAgentStates", { maxResults: 2 });
  assert.equal(listed.ok, true);
  assert.equal(listed.data.nextToken, "2", "GetAgentStates pages");
  assert.deepEqual(listed.data.states, configured.slice(0, 2));
  for (const state of configured) {
    assert.match(state.agentStateARN, /^arn:aws:connect:[^:]+:\d+:instance\/[0-9a-f-]+\/agent-state\/[0-9a-f-]{36}$/);
    assert.equal(state.startTimestamp, null);
  }

  for (const name of ["Lunch", "Break"]) {
    const from = await h.mark();
    assert.equal((await h.host("setState", name)).ok, true);
    const change = await h.waitFor("agent.stateChange", from);
    if (name === "Lunch") await h.waitFor("agent.notRoutable", from); // Break: still not routable, no new onNotRoutable
    assert.deepEqual([change.newState, change.agent.type], [name, "not_routable"]);
    const agent = await h.host("agent");
    assert.deepEqual([agent.availability.state, agent.availability.type], [name, "not_routable"]);
    assert.equal(agent.availability.agentStateARN, configured.find((s) => s.name === name).agentStateARN);
    assert.match(await h.panel("agent-state-label"), new RegExp(`^${name} · `));
    assert.equal(await h.ccp().evaluate(() => document.getElementById("agent-state").value), name);
  }
  assert.deepEqual(
    await h.ccp().evaluate(() => [...document.querySelectorAll("#agent-state optgroup")].map((g) => `${g.label}: ${[...g.children].map((o) => o.value).join(", ")}`)),
    ["Routable: Available", "Not ready: Not Ready, Lunch, Break", "Offline: Offline"],
  );

  // The panel's menu is the agent changing state in the CCP.
  let from = await h.mark();
  await h.ccp().selectOption("#agent-state", "Offline");
  assert.equal((await h.waitFor("agent.stateChange", from)).newState, "Offline");

  // Refusals: the worker's SDK for a malformed state (no HTTP status), the service for an unknown one.
  const bare = await h.host("rawCall", "putAgentState", { state: "Lunch" });
  assert.deepEqual(JSON.parse(bare.err), { type: "InvalidParameterType", message: "Expected params.state to be a structure", stack: [], retryStatus: "none" });
  const nameless = await h.host("rawCall", "putAgentState", { state: { type: "not_routable" } });
  assert.equal(JSON.parse(nameless.err).type, "MissingRequiredParameter");
  const unknown = await h.eval(
    () =>
      new Promise((resolve) =>
        new connect.Agent().setState(
          { agentStateARN: "arn:aws:connect:us-east-1:111122223333:instance/x/agent-state/nap", name: "Nap", type: "not_routable", startTimestamp: null },
          { success: () => resolve({ ok: true }), failure: (err, data) => resolve({ ok: false, err, data }) },
        ),
      ),
  );
  assert.deepEqual([unknown.ok, JSON.parse(unknown.err).type, JSON.parse(unknown.err).statusCode, unknown.data], [false, "InvalidStateException", 400, null]);
  assert.match(JSON.parse(unknown.err).message, /Nap/);

  // A chosen Amazon error, from the panel's selector.
  await h.ccp().selectOption("#fail-form select[name=method]", "putAgentState");
  await h.ccp().selectOption("#fail-form select[name=type]", "AccessDeniedException");
  await h.ccp().fill("#fail-form input[name=message]", "Agent state change refused");
  await h.ccp().click("#fail-form button[type=submit]");
  assert.equal(await h.panel("fail-status"), "Next putAgentState fails: AccessDeniedException: Agent state change refused");
  const failed = await h.host("setState", "Available");
  assert.equal(failed.ok, false);
  assert.deepEqual(
    (({ type, message, statusCode }) => ({ type, message, statusCode }))(JSON.parse(failed.err)),
    { type: "AccessDeniedException", message: "Agent state change refused", statusCode: 400 },
  );
  assert.equal((await h.host("agent")).name, "Offline", "a failed request changes nothing");
  assert.equal(await h.panel("fail-status"), null, "only the next request fails");
  from = await h.mark();
  assert.equal((await h.host("setState", "Available")).ok, true);
  await h.waitFor("agent.routable", from);
});

// ---------------------------------------------------------------------------
// Dialling out, quick connects, transfers.

test("dialling a quick connect: agent.connect(endpoint) with each kind makes an outbound contact named after it; a chosen error fails it", async (t) => {
  const h = await openHost(t, { thirdPartyDelay: -1 });
  const { data } = await h.host("getEndpoints");
  const byName = Object.fromEntries(data.endpoints.map((e) => [e.name, e]));
  for (const [name, number] of [["Outside line", "+15555550199"], ["Billing", "INTERNAL-TRANSFER"], ["Supervisor", "INTERNAL-TRANSFER"]]) {
    let from = await h.mark();
    const dialled = await h.eval((ep) => new Promise((resolve) => new connect.Agent().connect(ep, { success: () => resolve(true), failure: (err) => resolve(err) })), byName[name]);
    assert.equal(dialled, true, name);
    const connecting = await h.waitFor("contact.connecting", from);
    assert.equal(connecting.agent.name, "CallingCustomer");
    assert.deepEqual(byType(connecting.contact, "outbound").phoneNumber, number);
    const [request] = (await h.requests("createOutboundContact")).slice(-1);
    assert.equal(request.params.endpoint.endpointARN, byName[name].endpointARN);
    assert.equal((await h.emu("snapshot")).snapshot.contacts[0].connections[1].quickConnectName, name);
    assert.match(await h.panel("legs"), new RegExp(name));
    await h.emu("thirdPartyAnswer");
    await h.waitFor("contact.connected", from);
    from = await h.mark();
    assert.equal((await h.host("destroy", "agent")).ok, true);
    await h.waitFor("contact.acw", from);
    await h.host("clear");
    await h.until(() => window.host.contact() === null || window.host.agent().name === "Available");
    await h.until(() => window.host.agent().name === "Available");
  }

  await h.emu("failNext", "createOutboundContact", "The agent is not allowed to call this number", "AccessDeniedException");
  const failed = await h.host("dial", "+15555550123");
  assert.equal(failed.ok, false);
  assert.equal(JSON.parse(failed.err).type, "AccessDeniedException");
  assert.equal(await h.host("contact"), null);

  // The panel's dial box: the agent dials in the CCP.
  const from = await h.mark();
  await h.ccp().fill("#dial-form input[name=number]", "+15555550177");
  await h.ccp().click("#dial-form button[type=submit]");
  const connecting = await h.waitFor("contact.connecting", from);
  assert.equal(byType(connecting.contact, "outbound").phoneNumber, "+15555550177");
  assert.equal(await h.panel("dial-form"), null, "no dial box during a call");
});

test("quick connects of the three kinds: listed with their kind, consult and blind transfer to each; a chosen error fails the transfer", async (t) => {
  const h = await openHost(t, { thirdPartyDelay: -1 });
  assert.deepEqual(
    await h.ccp().evaluate(() => [...document.querySelectorAll("#qc-list li")].map((li) => li.textContent)),
    ["agentSupervisor", "queueBilling", "numberOutside line"],
  );
  const { data } = await h.host("getEndpoints");
  for (const endpoint of data.endpoints) {
    const ids = await h.connectedCall();
    assert.equal((await h.host("addConnection", endpoint)).ok, true, endpoint.name);
    const third = await h.until(() => window.host.contact()?.connections.find((c) => !c.initial && c.type === "outbound"));
    assert.equal(third.phoneNumber, endpoint.type === "phone_number" ? endpoint.phoneNumber : "INTERNAL-TRANSFER");
    await h.legState(ids.customerConnectionId, "hold");
    assert.equal((await h.emu("snapshot")).snapshot.contacts[0].connections[2].quickConnectName, endpoint.name);
    // Blind transfer: the agent leaves while the party is still being dialled.
    const from = await h.mark();
    assert.equal((await h.host("destroy", "agent")).ok, true);
    const acw = await h.waitFor("contact.acw", from);
    assert.equal(acw.agent.name, "AfterCallWork");
    assert.deepEqual((await h.requests("destroyConnection")).at(-1).params.connectionId, ids.agentConnectionId);
    await h.host("clear");
    await h.until(() => window.host.agent().name === "Available");
  }

  await h.connectedCall();
  await h.emu("failNext", "createAdditionalConnection", "Transfer destination unavailable", "BadEndpointException");
  const failed = await h.host("addConnection", data.endpoints[1]);
  assert.equal(failed.ok, false);
  assert.deepEqual((({ type, message }) => ({ type, message }))(JSON.parse(failed.err)), { type: "BadEndpointException", message: "Transfer destination unavailable" });
  assert.equal((await h.host("contact")).connections.length, 2, "nobody was added");

  // The panel: during a connected call a quick connect adds the party (the agent consults in the CCP).
  await h.ccp().click("#qc-list button[data-qc=Billing]");
  const third = await h.until(() => window.host.contact()?.connections.find((c) => !c.initial && c.type === "outbound"));
  assert.equal(third.phoneNumber, "INTERNAL-TRANSFER");
  assert.equal(await h.panel("quick-connects"), null, "one additional party at a time");
  const from = await h.mark();
  await h.ccp().click("#leave");
  await h.waitFor("contact.acw", from);
});

// ---------------------------------------------------------------------------
// Mute.

test("mute: agent.mute()/unmute() reach the CCP's softphone, onMuteToggle fires, the agent leg's mute follows; muteParticipant too; chosen errors", async (t) => {
  const h = await openHost(t);
  await h.eval(() => {
    window.mutes = [];
    new connect.Agent().onMuteToggle((e) => window.mutes.push(e.muted));
  });
  const isMute = () => h.eval(() => new connect.Agent().getContacts()[0].getAgentConnection().isMute());

  await h.eval(() => new connect.Agent().mute()); // idle: no call audio, so the softphone does nothing
  const ids = await h.connectedCall();
  assert.deepEqual((await h.emu("broadcasts")).filter((b) => b.event === "mute").map((b) => b.data), [{ mute: true }]);

  await h.eval(() => new connect.Agent().mute());
  await h.until(() => window.mutes.length === 1);
  assert.deepEqual(await h.eval(() => window.mutes), [true], "the idle mute did nothing");
  await h.until(() => new connect.Agent().getContacts()[0].getAgentConnection().isMute() === true);
  assert.notEqual(await h.panel("mute-state"), null, "the panel shows Muted");
  assert.equal(await h.panel("mute"), "Unmute");

  // agent.mute() has no callback: a failed mute is only the onMuteToggle that never comes.
  await h.emu("failNext", "mute", "microphone unavailable");
  await h.eval(() => new connect.Agent().unmute());
  await h.eval(() => new connect.Agent().unmute());
  await h.until(() => window.mutes.length === 2);
  assert.deepEqual(await h.eval(() => window.mutes), [true, false], "the first unmute failed, the second worked");
  await h.until(() => new connect.Agent().getContacts()[0].getAgentConnection().isMute() === false);
  assert.equal(await h.panel("mute-state"), null);

  // Server-side mute of the agent's own leg, with its callbacks.
  const muted = await h.eval(
    () => new Promise((resolve) => new connect.Agent().getContacts()[0].getAgentConnection().muteParticipant({ success: () => resolve(true), failure: (e) => resolve(e) })),
  );
  assert.equal(muted, true);
  await h.until(() => window.mutes.length === 3);
  assert.equal(await isMute(), true);
  assert.deepEqual((await h.requests("muteParticipant"))[0].params, { contactId: ids.contactId, connectionId: ids.agentConnectionId });
  await h.emu("failNext", "unmuteParticipant", "Participant cannot be unmuted", "InvalidStateException");
  const refused = await h.eval(
    () =>
      new Promise((resolve) =>
        new connect.Agent().getContacts()[0].getAgentConnection().unmuteParticipant({ success: () => resolve(null), failure: (err) => resolve(err) }),
      ),
  );
  assert.equal(JSON.parse(refused).message, "Participant cannot be unmuted");
  assert.equal(await isMute(), true);

  // The panel's button is the agent pressing unmute in the CCP.
  await h.ccp().click("#mute");
  await h.until(() => window.mutes.length === 4);
  assert.equal(await isMute(), false);

  // The call's end takes the microphone away: muted or not, the softphone reports unmuted.
  await h.emu("mute");
  await h.until(() => window.mutes.length === 5);
  const from = await h.mark();
  await h.emu("hangup");
  await h.waitFor("contact.acw", from);
  await h.until(() => window.mutes.length === 6);
  assert.deepEqual(await h.eval(() => window.mutes.slice(4)), [true, false]);
});

test("persist=1 keeps a not-ready reason, the mute and the enqueued state across a reload of the CCP frame", async (t) => {
  const h = await openHost(t, { persist: 1 });
  await h.host("setState", "Lunch");
  await h.until(() => window.host.agent().name === "Lunch");
  await h.host("setState", "Available");
  const ids = await h.connectedCall();
  await h.emu("mute");
  await h.host("setState", "Break", { enqueueNextState: true });
  await h.until(() => window.host.agent().next?.name === "Break");
  const acks = await h.host("received", "update_connected_ccps");
  await h.ccp().evaluate(() => location.reload());
  await h.until((n) => window.host.received("update_connected_ccps") > n, acks);
  const { snapshot } = await h.emu("snapshot");
  assert.equal(snapshot.contacts[0].contactId, ids.contactId);
  assert.equal(snapshot.contacts[0].connections[0].mute, true);
  assert.equal(snapshot.nextState.name, "Break");
  assert.equal(await h.panel("mute"), "Unmute");
  assert.equal(await h.panel("next-state"), "Next: Break");
});

// ---------------------------------------------------------------------------
// The panel, as a person sees it.

/** Screenshots the CCP frame: kept under .tmp/screenshots, and in web/docs when SCREENSHOTS=update. */
async function screenshotPanel(h, name) {
  await h.page.waitForTimeout(300); // the panel renders on the next task
  await mkdir(repo(".tmp/screenshots"), { recursive: true });
  const frame = h.page.locator("#ccp iframe");
  await frame.screenshot({ path: repo(`.tmp/screenshots/${name}`) });
  if (process.env.SCREENSHOTS === "update") await frame.screenshot({ path: repo(`web/docs/${name}`) });
}

test("the panel: idle with the dial box and quick connects; then a muted consult with failures pending", async (t) => {
  const h = await openHost(t, { thirdPartyDelay: -1 });
  await h.eval(() => {
    document.querySelector("#ccp iframe").style.cssText = "width: 400px; height: 720px; border: 0";
  });
  assert.equal(await h.panel("link"), "Linked");
  assert.notEqual(await h.panel("logout"), null, "Sign out is offered while signed in");
  assert.notEqual(await h.panel("dial-form"), null);
  assert.equal(await h.panel("qc-hint"), "· call");
  assert.deepEqual(
    await h.inCcp(() => [...document.querySelectorAll("#fail-form select[name=method] option")].map((o) => o.value)),
    [
      "acceptContact", "clearContact", "completeContact", "conferenceConnections", "createAdditionalConnection",
      "createOutboundContact", "destroyConnection", "getAgentStates", "getEndpoints", "holdConnection", "muteParticipant",
      "putAgentState", "rejectContact", "resumeConnection", "sendDigits", "toggleActiveConnections", "unmuteParticipant", "mute",
    ],
    "every API the emulator plays, and the mute broadcast",
  );
  await screenshotPanel(h, "emulator-panel.png");

  await h.connectedCall();
  await h.eval(() => new connect.Agent().mute());
  await h.until(() => new connect.Agent().getContacts()[0].getAgentConnection().isMute() === true);
  assert.equal((await h.host("addConnection", (await h.host("getEndpoints")).data.endpoints[1])).ok, true);
  await h.emu("failNext", "putAgentState", "Agent state change refused");
  await h.emu("failNext", "createOutboundContact", "Outbound calls are disabled", "AccessDeniedException");
  assert.match(await h.panel("call-title"), /^On call · InboundTest$/);
  assert.match(await h.panel("legs"), /Billing \(INTERNAL-TRANSFER\)/);
  assert.notEqual(await h.panel("mute-state"), null);
  assert.equal(await h.panel("mute"), "Unmute");
  assert.equal(await h.panel("dial-form"), null);
  assert.equal(
    await h.panel("fail-status"),
    "Next putAgentState fails: InvalidStateException: Agent state change refusedNext createOutboundContact fails: AccessDeniedException: Outbound calls are disabled",
  );
  await screenshotPanel(h, "emulator-panel-call.png");
});

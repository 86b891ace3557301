// A CRM that knows only the vendor's pages (raw envelopes, no ctibridge code on its side) drives the softphone
// role with real Streams and the CCP emulator through the vendor's requests (issue 14). Each step checks the
// request that reached the emulator and the envelope the CRM got.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openPlainCRM, useDeployment } from "../lib/deployment.mjs";

const env = useDeployment();

test("a vendor-page CRM logs in, changes state, answers, holds, sends DTMF, hangs up, dials out, transfers blind and logs out", async () => {
  const context = await env.browser.newContext();
  try {
    const { page, emulator } = await openPlainCRM(context, env.deployment);
    const methods = async () => (await emulator.evaluate(() => ccpEmulator.requests())).map((r) => r.method);
    // request posts one request and returns the first envelope after it that match accepts.
    const request = async (req, match, what) => {
      const from = await page.evaluate(() => window.received.length);
      await page.evaluate((r) => window.send(r), req);
      const handle = await page.waitForFunction(([from, match]) => window.received.slice(from).find(new Function("m", `return ${match}`)),
        [from, match], { timeout: 15000 }).catch(() => null);
      assert.ok(handle, `${req.topic}/${req.subtopic}: no ${what}`);
      return handle.jsonValue();
    };
    const agentLegEvent = (event) => `m.subtopic === "InboundCallStateChange" && m.message.call.ResponseActual.type === "agent" && m.message.call.event === "${event}"`;

    const login = await request({ topic: "Agent", subtopic: "Login" }, `m.subtopic === "LoginSuccess"`, "LoginSuccess");
    assert.equal(login.message.loginState, "LoggedIn");
    // Who the agent is, as the emulator's agent configuration (agent.getConfiguration()) has it.
    const { configuration } = await emulator.evaluate(() => ccpEmulator.snapshot());
    const agentInfo = { name: configuration.name, id: configuration.agentARN.split("/agent/")[1], extension: configuration.extension,
      loginName: configuration.username, muted: false, softphoneEnabled: configuration.softphoneEnabled };
    assert.deepEqual(agentInfo, { name: "Jane Doe", id: "7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b", extension: "", loginName: "jane.doe",
      muted: false, softphoneEnabled: true });
    assert.deepEqual(login.message.agentInfo, agentInfo);

    const lunch = await request({ topic: "Agent", subtopic: "SetNotReady", data: { ReasonCodeId: "Lunch" } },
      `m.subtopic === "SetAgentState" && m.message.event === "Lunch"`, "SetAgentState Lunch");
    assert.deepEqual(lunch.message.data.reasonCode, { id: "Lunch" });
    assert.equal(lunch.message.data.state, "Not_Ready");
    assert.equal(lunch.message.data.loginName, "jane.doe");
    assert.equal(lunch.message.data.name, "Jane Doe");
    assert.ok((await methods()).includes("putAgentState"));
    const avail = await request({ topic: "Agent", subtopic: "UpdateState", data: { label: "Available", code: "Available", type: "routable" } },
      `m.subtopic === "SetAgentState" && m.message.event === "Available"`, "SetAgentState Available");
    assert.equal(avail.message.data.state, "Ready");

    const { agentConnectionId, contactId } = await emulator.evaluate(() => ccpEmulator.ring({}));
    await page.waitForFunction(() => window.received.some((m) => m.message?.call?.event === "connecting"), null, { timeout: 10000 });
    await request({ topic: "InboundCall", subtopic: "Answer" }, agentLegEvent("connected"), "connected");
    assert.ok((await methods()).includes("acceptContact"));

    // Hold with the agent's own connection id, as the vendor's sample does: the customer's leg goes on hold.
    const held = await request({ topic: "InboundCall", subtopic: "Hold", data: agentConnectionId },
      `m.message?.call?.event === "hold"`, "hold event");
    assert.equal(held.message.call.ResponseActual.type, "inbound");
    assert.ok((await methods()).includes("holdConnection"));
    await request({ topic: "InboundCall", subtopic: "Resume", data: agentConnectionId },
      `m.message?.call?.event === "connected" && m.message.call.ResponseActual.type === "inbound"`, "resumed");

    await page.evaluate(() => window.send({ topic: "InboundCall", subtopic: "SendDTMF", data: "12#" }));
    await emulator.waitForFunction(() => ccpEmulator.digits() === "12#", null, { timeout: 10000 });
    const dtmfError = await request({ topic: "InboundCall", subtopic: "SendDTMF" }, `m.subtopic === "SendDTMF" && m.message?.error`, "SendDTMF error");
    assert.equal(dtmfError.message.error.type, "SEND_DTMF_FAILED");

    const sync = await request({ topic: "InboundCall", subtopic: "StateSync" }, `m.topic === "InboundCall" && m.subtopic === "StateSync"`, "call StateSync");
    assert.equal(sync.message.calls.length, 2);
    assert.equal(sync.message.calls[0].contactId, contactId);
    const app = await request({ topic: "App", subtopic: "StateSync" }, `m.topic === "App"`, "App StateSync");
    assert.equal(app.message.initState, "Loaded");
    const agentSync = await request({ topic: "Agent", subtopic: "StateSync" }, `m.topic === "Agent" && m.subtopic === "StateSync"`, "Agent StateSync");
    assert.equal(agentSync.message.loginState, "LoggedIn");
    assert.deepEqual(agentSync.message.agentInfo, agentInfo);

    const muted = await request({ topic: "Agent", subtopic: "Mute" }, `m.subtopic === "SetAgentState" && m.message.data.muted === true`, "muted");
    assert.equal(muted.message.rules.ButtonStates.items.unmute, "Enable");
    await request({ topic: "Agent", subtopic: "Unmute" }, `m.subtopic === "SetAgentState" && m.message.data.muted === false`, "unmuted");

    const ended = await request({ topic: "InboundCall", subtopic: "Disconnect", data: agentConnectionId }, agentLegEvent("ACW"), "ACW");
    assert.equal(ended.message.call.ResponseActual.status, "disconnected");
    await request({ topic: "InboundCall", subtopic: "ClearContact" }, `m.topic === "Bridge" && m.subtopic === "Snapshot"`, "contact cleared");
    assert.ok((await methods()).some((m) => m === "clearContact" || m === "completeContact"));

    const outbound = await request({ topic: "InboundCall", subtopic: "SetMakeCall", data: "+15555550123" },
      `m.subtopic === "InboundCallStateChange" && m.message.call.ResponseActual.type === "outbound"`, "outbound contact");
    assert.equal(outbound.message.call.ResponseActual.phoneNumber, "+15555550123");
    assert.ok((await methods()).includes("createOutboundContact"));

    await emulator.evaluate(() => ccpEmulator.thirdPartyAnswer());
    await page.waitForFunction(() => window.received.some((m) => m.message?.call?.ResponseActual?.type === "outbound" && m.message.call.event === "connected"), null, { timeout: 10000 });
    await request({ topic: "InboundCall", subtopic: "Disconnect", data: outbound.message.call.ResponseActual.contactId },
      `m.subtopic === "InboundCallStateChange" && m.message.call.ResponseActual.type === "agent" && m.message.call.ResponseActual.status === "disconnected"`, "dial-out hung up");
    await request({ topic: "InboundCall", subtopic: "ClearContact" }, `m.topic === "Bridge" && m.subtopic === "Snapshot"`, "dial-out cleared");

    // A blind transfer to a quick connect: the party is added, then the agent leaves.
    const second = await emulator.evaluate(() => ccpEmulator.ring({}));
    await page.waitForFunction((id) => window.received.some((m) => m.message?.call?.ResponseActual?.contactId === id), second.contactId, { timeout: 10000 });
    await request({ topic: "InboundCall", subtopic: "Answer" }, `${agentLegEvent("connected")} && m.message.call.ResponseActual.contactId === "${second.contactId}"`, "connected");
    const qc = (await emulator.evaluate(() => ccpEmulator.quickConnects())).find((q) => q.type === "queue");
    const at = (await methods()).length;
    await request({ topic: "InboundCall", subtopic: "Blindtransfer", data: { Type: qc.type, Name: qc.name, EndpointARN: qc.endpointARN } },
      `${agentLegEvent("ACW")} && m.message.call.ResponseActual.contactId === "${second.contactId}"`, "the agent left");
    assert.deepEqual((await methods()).slice(at).filter((m) => m !== "getAgentStates" && m !== "getEndpoints"), ["createAdditionalConnection", "destroyConnection"]);
    await request({ topic: "InboundCall", subtopic: "ClearContact" }, `m.topic === "Bridge" && m.subtopic === "Snapshot"`, "transferred contact cleared");

    const refused = await request({ topic: "OutboundCall", subtopic: "MakeCall" }, `m.topic === "OutboundCall"`, "OutboundCall refusal");
    assert.equal(refused.message.error.type, "OUTBOUND_CAMPAIGN_UNSUPPORTED");

    const before = (await methods()).length;
    const logout = await request({ topic: "Agent", subtopic: "Logout" }, `m.subtopic === "LogoutSuccess"`, "LogoutSuccess");
    assert.equal(logout.message.loginState, "LoggedOut");
    assert.equal(logout.message.agentState.name, "Available");
    const { id: _, ...identity } = agentInfo;
    assert.deepEqual(logout.message.agentInfo, identity);
    assert.ok((await methods()).slice(before).includes("putAgentState"), "set Offline before ending the session");
    await emulator.waitForFunction(() => ccpEmulator.session() === "out", null, { timeout: 10000 }); // the logout endpoint
  } finally {
    await context.close();
  }
});

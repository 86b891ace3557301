// CCP emulator: a stand-in for Amazon's Contact Control Panel that the real
// amazon-connect-streams library (2.28.2) loads as its ccpUrl.
//
// In production the CCP iframe only relays between the Streams host and a
// SharedWorker (ClientEngine), which talks to Amazon Connect. This page plays
// both: it answers the host's conduit messages the way ClientEngine does, and
// keeps a small agent/call model that it pushes down as agent::update
// snapshots shaped like a live instance's (see shared notes real-snapshots.md).
// Every message shape below names the Streams source it copies, so that a
// Streams upgrade can be checked line by line against release/connect-streams.js.
//
// Tests and demos script it through window.ccpEmulator or postMessage (see
// README.md); the control panel in index.html is rendered from the same model.
"use strict";

(() => {
  // ---------------------------------------------------------------------------
  // Configuration: query parameters of the emulator's own URL.

  const query = new URLSearchParams(location.search);

  function numberParam(name, fallback) {
    const raw = query.get(name);
    const value = raw === null || raw.trim() === "" ? NaN : Number(raw);
    return Number.isFinite(value) ? value : fallback;
  }

  function originList(raw) {
    const origins = new Set();
    for (const item of (raw || "").split(",")) {
      try {
        const origin = new URL(item.trim()).origin;
        if (origin !== "null") origins.add(origin); // "*" and garbage never parse
      } catch {
        // not an origin: ignored, so a typo can never open the control channel
      }
    }
    return origins;
  }

  const config = Object.freeze({
    connectDelay: Math.max(0, numberParam("connectDelay", 0)), // accept → connected, ms
    thirdPartyDelay: numberParam("thirdPartyDelay", 2000), // dialled party answers after ms; < 0: only thirdPartyAnswer()
    pushInterval: Math.max(0, numberParam("pushInterval", 1000)), // periodic agent::update, ms; 0: only on change
    autoLogin: !/^(0|false|no|off)$/i.test(query.get("autoLogin") || ""),
    agentName: query.get("agentName") || "Jane Doe",
    persist: /^(1|true|yes|on)$/i.test(query.get("persist") || ""), // keep the agent and the call across reloads
    control: originList(query.get("control")), // origins allowed to script over postMessage
  });

  // ---------------------------------------------------------------------------
  // Fixtures: an invented instance, shaped like real ARNs.

  function uuid() {
    // crypto.randomUUID needs a secure context; getRandomValues does not.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  const INSTANCE_ARN = "arn:aws:connect:us-east-1:111122223333:instance/5d1c7a2e-8b3f-4e6a-9c0d-2f4b6a8c0e13";
  const AGENT_ID = "7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b";
  const arn = (resource) => `${INSTANCE_ARN}/${resource}`;

  // One stable ARN per name for the life of the page (queues, system states).
  const arnsByName = new Map();
  function stableArn(kind, name) {
    const key = `${kind}/${name}`;
    if (!arnsByName.has(key)) arnsByName.set(key, arn(`${kind}/${uuid()}`));
    return arnsByName.get(key);
  }
  const queueNamed = (name) => ({ queueARN: stableArn("queue", name), name });

  // The agent-selectable states (GetAgentStates, as ClientEngine puts them in
  // configuration.agentStates: startTimestamp null, per the contract fixtures):
  // the routable one, the not-ready reasons an instance configures, Offline.
  const AGENT_STATES = Object.freeze(
    [
      ["Available", "routable"],
      ["Not Ready", "not_routable"],
      ["Lunch", "not_routable"],
      ["Break", "not_routable"],
      ["Offline", "offline"],
    ].map(([name, type]) => Object.freeze({ agentStateARN: stableArn("agent-state", name), name, type, startTimestamp: null })),
  );
  const stateDef = (name) => AGENT_STATES.find((s) => s.name === name);

  // System states the service sets during calls; the error ones are of type
  // "error" (connect.AgentErrorStates), the rest "system".
  const SYSTEM_STATE_TYPES = Object.freeze({
    ...Object.fromEntries(["PendingBusy", "Busy", "AfterCallWork", "CallingCustomer"].map((n) => [n, "system"])),
    ...Object.fromEntries(["MissedCallAgent", "FailedConnectAgent"].map((n) => [n, "error"])),
  });

  // Quick connects returned by getEndpoints (GetEndpoints output: endpoint
  // shape "Se"; a null structure such as `queue` is absent, null strings stay).
  // Their ARNs are fixed, as an instance's are: a CRM lists quick connects in
  // its own configuration (web/demo/config.js), ARN and all.
  const QUICK_CONNECTS = Object.freeze([
    { endpointARN: arn("transfer-destination/0b9c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"), type: "agent", name: "Supervisor", phoneNumber: null, agentLogin: null },
    { endpointARN: arn("transfer-destination/1c2d3e4f-5a6b-4c7d-9e8f-90a1b2c3d4e5"), type: "queue", name: "Billing", phoneNumber: null, agentLogin: null, queue: queueNamed("Billing") },
    { endpointARN: arn("transfer-destination/2d3e4f5a-6b7c-4d8e-af90-a1b2c3d4e5f6"), type: "phone_number", name: "Outside line", phoneNumber: "+15555550199", agentLogin: null },
  ]);

  // GetAgentConfiguration + the four calls ClientEngine adds (permissions,
  // agentStates, dialableCountries, routingProfile.queues) and the aliases
  // ClientEngine.updateAgent sets (queueId = queueARN, routingProfileId =
  // routingProfileARN). The /queue/agent/<id> queue is what
  // Agent.prototype._getResourceId looks for.
  function agentConfiguration() {
    const withId = (q) => ({ ...q, queueId: q.queueARN });
    const routingProfileARN = arn("routing-profile/2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e");
    return {
      agentARN: arn(`agent/${AGENT_ID}`),
      agentPreferences: { LANGUAGE: "en_US" }, // not `locale`: see Agent.prototype.setConfiguration
      extension: "",
      name: config.agentName,
      username: config.agentName.toLowerCase().replace(/[^a-z0-9]+/g, "."),
      softphoneAutoAccept: false,
      softphoneEnabled: true,
      permissions: ["outboundCall"],
      dialableCountries: ["us"],
      agentStates: AGENT_STATES.map((s) => ({ ...s })),
      routingProfile: {
        name: "Basic Routing Profile",
        routingProfileARN,
        routingProfileId: routingProfileARN,
        channelConcurrencyMap: { CHAT: 10, TASK: 10, VOICE: 1 },
        defaultOutboundQueue: withId(queueNamed("BasicQueue")),
        queues: [
          withId(queueNamed("BasicQueue")),
          withId(queueNamed("InboundTest")),
          withId({ queueARN: arn(`queue/agent/${AGENT_ID}`), name: null }),
        ],
      },
    };
  }

  // ---------------------------------------------------------------------------
  // The model: one agent, at most one voice contact (VOICE concurrency is 1).

  // The service's clock runs a little behind ours, so snapshot.skew is a few
  // ms, as on a real instance. Every timestamp in the model is service time.
  const CLOCK_SKEW_MS = -43;
  const serviceNow = () => new Date(Date.now() + CLOCK_SKEW_MS);
  const ACTIVE = new Set(["connecting", "connected", "hold"]); // connect.CONNECTION_ACTIVE_STATES (voice)
  const LEG_LINGER_MS = 300; // a party that left shows `disconnected` this long before it is dropped

  let model; // replaced wholesale by reset()

  function freshModel() {
    return {
      loggedIn: false,
      gone: false, // disappear(): answer nothing at all
      agent: { state: null, availability: null, next: null },
      contact: null,
      requests: [], // every api_request, in order
      broadcasts: [], // every broadcast but the noise, in order
      digits: [], // every sendDigits, in order
      failures: new Map(), // method → Error to answer its next api_request with
      timers: new Set(),
      panelLog: [],
    };
  }

  // statusCode null: an error the worker's AWS SDK raises itself (parameter
  // validation), which carries a code but no HTTP status, so
  // AWSClient._formatCallError leaves statusCode out.
  class ApiError extends Error {
    constructor(type, message, statusCode = 400) {
      super(message);
      this.type = type;
      this.statusCode = statusCode;
    }
  }
  const invalidState = (message) => new ApiError("InvalidStateException", message);

  function later(ms, fn) {
    if (ms <= 0) return fn();
    const id = setTimeout(() => {
      model.timers.delete(id);
      fn();
    }, ms);
    model.timers.add(id);
  }

  // Agent-selected state: moves both state and agentAvailabilityState, which
  // otherwise keeps the last selected state through a whole call.
  function selectState(def) {
    const now = serviceNow();
    const { agentStateARN, name, type } = def;
    model.agent.state = { agentStateARN, name, type, startTimestamp: now };
    model.agent.availability = { state: name, timeStamp: now, agentStateARN, type, name };
  }

  // State set by the service during a call; agentAvailabilityState untouched.
  function systemState(name) {
    const option = model.contact?.systemStateARN;
    const agentStateARN = option === true ? stableArn("agent-state", name) : typeof option === "string" ? option : null;
    model.agent.state = { agentStateARN, name, type: SYSTEM_STATE_TYPES[name], startTimestamp: serviceNow() };
  }

  // After clearContact: the enqueued next state if any, else the selected one.
  function restoreAvailability() {
    const { agent } = model;
    if (agent.next) {
      selectState(agent.next);
      agent.next = null;
    } else {
      const { agentStateARN, type, name } = agent.availability;
      agent.state = { agentStateARN, name, type, startTimestamp: serviceNow() };
    }
  }

  // Endpoint shape "Se" as A1 shows it on voice legs.
  const phoneEndpoint = (phoneNumber) => ({ type: "phone_number", phoneNumber, name: null, endpointARN: null, agentLogin: null });
  const agentEndpoint = () => ({ type: "agent", phoneNumber: null, name: null, endpointARN: null, agentLogin: null });

  function newLeg(type, initial, state, endpoint, quickConnectName = null) {
    return { connectionId: uuid(), type, initial, state: { type: state, timestamp: serviceNow() }, endpoint, quickConnectName, mute: false };
  }

  function setLeg(leg, type) {
    leg.state = { type, timestamp: serviceNow() };
  }

  function setContactState(contact, type) {
    contact.state = { type, timestamp: serviceNow() };
    if (type === "ended" || type === "error") contact.endedAt = serviceNow();
  }

  const agentLeg = (c) => c.connections.find((l) => l.type === "agent");
  const farLegs = (c) => c.connections.filter((l) => l.type !== "agent" && ACTIVE.has(l.state.type));
  const thirdParty = (c) => farLegs(c).find((l) => !l.initial);

  function requireContact(contactId) {
    const c = model.contact;
    if (!c || c.contactId !== contactId) throw invalidState(`Contact ${contactId} does not exist`);
    return c;
  }

  function requireLeg(c, connectionId) {
    const leg = c.connections.find((l) => l.connectionId === connectionId);
    if (!leg) throw invalidState(`Connection ${connectionId} does not exist on contact ${c.contactId}`);
    return leg;
  }

  function newContact({ direction, queue, ani, dnis, attributes = {}, initiationMethod = null, systemEndpoints = false, agentStateARN = null, endState = "ended" }) {
    if (endState !== "ended" && endState !== "error") throw new Error(`endState must be "ended" or "error", not ${endState}`);
    const now = serviceNow();
    const attrs = {};
    // GetAgentSnapshot attributes are {key: {name, value}}; plain values are wrapped.
    for (const [key, value] of Object.entries(attributes || {})) {
      attrs[key] = value && typeof value === "object" ? { name: value.name ?? key, value: value.value ?? null } : { name: key, value: String(value) };
    }
    // What a contact flow does with $.SystemEndpoint.Address.
    if (dnis && !attrs.DNIS) attrs.DNIS = { name: "DNIS", value: dnis };
    return {
      contactId: uuid(),
      direction,
      // The caller waits in queue a moment before the agent is offered the call.
      queue: queueNamed(queue),
      queueTimestamp: new Date(now.getTime() - (direction === "inbound" ? 800 : 0)),
      state: { type: "connecting", timestamp: now },
      endedAt: null,
      accepted: false,
      attributes: attrs,
      initiationMethod,
      ani,
      dnis: dnis || null,
      systemEndpoints: Boolean(systemEndpoints),
      systemStateARN: agentStateARN,
      endState,
      connections: [],
    };
  }

  // Ends the contact for the agent: after-call work, every leg disconnected.
  function endContact(c, type = "ended") {
    const media = hasMedia(c);
    setContactState(c, type);
    for (const leg of c.connections) if (ACTIVE.has(leg.state.type)) setLeg(leg, "disconnected");
    systemState("AfterCallWork");
    if (media) {
      // SoftphoneManager's deleteLocalMediaStream: the call's microphone is gone, and with it any mute.
      agentLeg(c).mute = false;
      send(MUTE_TOGGLE, { muted: false });
    }
  }

  const MUTE_TOGGLE = "agent::mute_toggle"; // connect.AgentEvents.MUTE_TOGGLE

  // The agent's microphone as the CCP's softphone manager holds it: a local
  // media stream exists from the moment the agent's leg is accepted (inbound)
  // or dialled (outbound) until that leg ends.
  function hasMedia(c) {
    const leg = agentLeg(c);
    return Boolean(leg && ACTIVE.has(leg.state.type) && (c.accepted || c.direction === "outbound"));
  }

  // Mutes or unmutes a leg. The agent's own leg is also the softphone's local
  // mute, which the CCP announces to every window (SoftphoneManager muteToggle
  // → agent::mute_toggle {muted}, what agent.onMuteToggle hears).
  function setMute(leg, muted) {
    leg.mute = muted;
    if (leg.type === "agent") send(MUTE_TOGGLE, { muted });
    changed();
  }

  // SoftphoneManager.muteToggle, run by the CCP on the `mute` broadcast that
  // agent.mute()/unmute() send: without a call's media stream it does nothing;
  // {mute} sets the mute; no data (another tab syncing) only reports it.
  // agent.mute() has no callback, so a failNext("mute") is seen by Streams only
  // as the onMuteToggle that never comes.
  function softphoneMute(data) {
    const c = model.contact;
    if (!model.loggedIn || !c || !hasMedia(c)) return;
    const leg = agentLeg(c);
    if (typeof data?.mute !== "boolean") return send(MUTE_TOGGLE, { muted: leg.mute });
    const label = data.mute ? "mute" : "unmute";
    const forced = model.failures.get("mute");
    if (forced) {
      model.failures.delete("mute");
      return logPanel(`${label} (broadcast)`, forced.type);
    }
    setMute(leg, data.mute);
    logPanel(`${label} (broadcast)`, "ok");
  }

  // A ringing contact the agent did not take: it stays, in `error`, until cleared.
  function failForAgent(c, agentStateName) {
    setContactState(c, "error");
    setLeg(agentLeg(c), "disconnected");
    systemState(agentStateName);
  }

  function dropContact() {
    model.contact = null;
    restoreAvailability();
  }

  // A non-agent party hung up.
  function farEndLeft(c, leg) {
    if (c.direction === "inbound" && c.state.type === "connecting") return dropContact(); // abandoned while ringing
    setLeg(leg, "disconnected");
    if (farLegs(c).length === 0) return endContact(c, leg.initial ? c.endState : "ended");
    later(LEG_LINGER_MS, () => {
      if (model.contact !== c || !c.connections.includes(leg)) return;
      c.connections = c.connections.filter((l) => l !== leg);
      changed();
    });
  }

  // The dialled party answers: a consult leg, or an outbound call's customer.
  // On an outbound call the agent's leg stays connecting until the customer
  // answers (A1 outboundVoiceContact: customer connected, agent still
  // connecting, CallingCustomer); the service then bridges the agent.
  function answerLeg(c, leg) {
    if (model.contact !== c || leg.state.type !== "connecting") return;
    setLeg(leg, "connected");
    changed();
    if (c.direction === "outbound" && leg.initial) {
      later(Math.max(1, config.connectDelay), () => {
        if (model.contact !== c || c.state.type !== "connecting") return;
        setLeg(agentLeg(c), "connected");
        setContactState(c, "connected");
        systemState("Busy");
        changed();
      });
    }
  }

  function validEndpoint(endpoint) {
    if (!endpoint || !["phone_number", "agent", "queue"].includes(endpoint.type)) {
      throw new ApiError("BadEndpointException", `Unsupported endpoint type ${endpoint?.type}`);
    }
    if (endpoint.type === "phone_number" && !/^(\+?[0-9]{3,15}|sip:.+)$/.test(endpoint.phoneNumber || "")) {
      throw new ApiError("BadEndpointException", `Invalid phone number ${endpoint.phoneNumber}`);
    }
    return endpoint;
  }

  // ---------------------------------------------------------------------------
  // Snapshots: the agent::update payload.

  // ClientEngine.pollForAgent (localTimestamp, skew, contentLength) +
  // ClientEngine.updateAgent (status alias, contact.status, connection.address,
  // queueId, routingProfileId), applied to a GetAgentSnapshot output parsed by
  // the AWS SDK: Date objects for every timestamp, null structures absent
  // (nextState, references, customerEndpoint on voice), null scalars kept.
  function agentUpdate() {
    const snapshotTimestamp = serviceNow();
    const snapshot = {
      state: { ...model.agent.state },
      agentAvailabilityState: { ...model.agent.availability },
      // One contact at most, so updateAgent's sort by state.timestamp is moot.
      contacts: model.contact ? [contactData(model.contact, snapshotTimestamp)] : [],
      snapshotTimestamp,
    };
    if (model.agent.next) snapshot.nextState = { ...model.agent.next };
    const contentLength = JSON.stringify({ snapshot, nextToken: "emulator" }).length; // the HTTP body's length
    snapshot.localTimestamp = Date.now();
    snapshot.skew = snapshotTimestamp.getTime() - snapshot.localTimestamp;
    snapshot.contentLength = contentLength;
    snapshot.status = undefined; // updateAgent aliases this.agent.state, which is never set
    return { snapshot, configuration: agentConfiguration() };
  }

  function contactData(c, now) {
    const state = { ...c.state };
    const data = {
      attributes: structuredClone(c.attributes),
      connections: c.connections.map(connectionData), // [agent, customer, third party...]
      contactDuration: String(Math.max(0, Math.floor(((c.endedAt || now) - c.queueTimestamp) / 1000))),
      contactFeatures: { attachmentsEnabled: null, messagingMarkdownEnabled: null, multiPartyConferenceEnabled: false },
      contactId: c.contactId,
      description: null,
      initialContactId: c.contactId,
      initiationMethod: c.initiationMethod,
      name: null,
      queue: { ...c.queue, queueId: c.queue.queueARN },
      queueTimestamp: c.queueTimestamp,
      state,
      status: state, // updateAgent: contact.status = contact.state (same object)
      type: "voice",
    };
    if (c.systemEndpoints) {
      // Documented for email (PR #947); opt-in on voice: ring({systemEndpoints: true}).
      data.customerEndpoint = phoneEndpoint(c.ani);
      data.connectSystemEndpoint = phoneEndpoint(c.dnis);
    }
    return data;
  }

  function connectionData(leg) {
    const endpoint = { ...leg.endpoint };
    const data = {
      connectionId: leg.connectionId,
      endpoint,
      address: endpoint, // updateAgent: connection.address = connection.endpoint
      forcedMute: null,
      initial: leg.initial,
      monitorStatus: null,
      mute: leg.mute, // server-side mute: the CCP keeps it in step with the agent's own (Streams #917, #785)
      quickConnectName: leg.quickConnectName,
      state: { ...leg.state },
      type: leg.type,
    };
    if (leg.type === "agent") {
      data.softphoneMediaInfo = {
        autoAccept: false,
        callConfigJson: JSON.stringify({ iceServers: [], signalingEndpoint: null }),
        callContextToken: "ccp-emulator-call-context",
        callType: "audio_only",
        mediaLegContextToken: "ccp-emulator-media-leg",
      };
    }
    return data;
  }

  // JSON view for scripts: Dates become ISO strings, undefined keys vanish.
  const snapshotJSON = () => (model.loggedIn ? JSON.parse(JSON.stringify(agentUpdate())) : null);

  // ---------------------------------------------------------------------------
  // The conduit: Streams' {event, data} messages with window.parent.

  // The real CCP wraps window.parent in connect.WindowIOStream: it posts with
  // targetOrigin "*" and accepts any message whose source is the parent.
  const host = window.parent !== window ? window.parent : null;
  // PortStream id, in connect.randomId's format.
  const portId = `${Date.now()}-${Math.random().toString(36).slice(2)}`;

  // Connect.Conduit.sendDownstream.
  function send(event, data) {
    if (host && !model.gone) host.postMessage({ event, data }, "*");
  }

  function push() {
    save();
    if (model.loggedIn) send("agent::update", agentUpdate()); // ClientEngine.updateAgent
  }

  // ?persist=1: the agent and the contact outlive a reload of this page, as they outlive a reload of the CCP on
  // Amazon's service, where they live. They are kept in sessionStorage (this tab, this origin); where storage
  // is blocked (a cross-site frame) nothing is kept and the emulator starts fresh, as without persist.
  const STORE_KEY = "ccpEmulator.model";
  const DATE_KEYS = new Set(["timestamp", "queueTimestamp", "endedAt", "startTimestamp", "timeStamp"]);

  function save() {
    if (!config.persist) return;
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({ loggedIn: model.loggedIn, agent: model.agent, contact: model.contact }));
    } catch {
      // storage blocked: nothing is kept
    }
  }

  function restore() {
    if (!config.persist) return null;
    try {
      const text = sessionStorage.getItem(STORE_KEY);
      return text ? JSON.parse(text, (key, value) => (DATE_KEYS.has(key) && typeof value === "string" ? new Date(value) : value)) : null;
    } catch {
      return null;
    }
  }

  // The instance's session, which Amazon keeps in a cookie of the instance's
  // domain: the CCP frame, the login window (login.html) and the logout
  // endpoint (logout.html) all see it. Here it is this origin's localStorage:
  // "in", "out", or unset (then ?autoLogin decides). session.js writes the same
  // key. Where storage is blocked, it lives in this page only.
  const SESSION_KEY = "ccpEmulator.session";
  let sessionFallback = null;

  function readSession() {
    try {
      return localStorage.getItem(SESSION_KEY);
    } catch {
      return sessionFallback;
    }
  }

  function writeSession(value) {
    sessionFallback = value;
    try {
      localStorage.setItem(SESSION_KEY, value);
    } catch {
      // storage blocked: this page only
    }
  }

  function signIn() {
    model.loggedIn = true;
    connectPort();
    render();
  }

  // The session ended. The CCP tells Streams (since 2.18.7: `terminated` on
  // logout, `auth_fail` when it expires; Streams then re-authenticates after
  // ccpAckTimeout: the login window, and reloads of this frame until one
  // acknowledges) and then answers nothing, as the real CCP frame does once it
  // has left for the login page. The service keeps the agent's state; the
  // softphone's leg of a call ends with the session.
  function signOut(event) {
    send(event);
    model.loggedIn = false;
    for (const id of model.timers) clearTimeout(id);
    model.timers.clear();
    if (model.contact) dropContact();
    save();
    render();
  }

  // Every change ends in one push, after the api_response of the request that
  // caused it (the order of the real worker: the long poll returns later).
  let pushQueued = false;
  function changed() {
    if (pushQueued) return;
    pushQueued = true;
    queueMicrotask(() => {
      pushQueued = false;
      push();
      render();
    });
  }

  // ClientEngine's global.onconnect: ACK with the port id (the host's first
  // ACK handler reads data.id), then update_connected_ccps, then the agent.
  function connectPort() {
    send("acknowledge", { id: portId });
    send("update_connected_ccps", { length: 1 });
    push();
  }

  // Broadcast noise the host sends up constantly (its log lines and metrics);
  // the real worker echoes it to every CCP, the emulator drops it.
  const BROADCAST_NOISE = new Set(["log", "server_bound_internal_log", "click_stream_data", "client_metric"]);

  const upstreamHandlers = {
    // ClientEngine: conduit.onDownstream(SYNCHRONIZE) → sendDownstream(ACKNOWLEDGE), no data.
    synchronize: () => send("acknowledge"),
    api_request: handleApiRequest,
    master_request: handleMasterRequest,
    // ClientEngine: conduit.onDownstream(BROADCAST) → sendDownstream(data.event, data.data).
    // The CCP window is one of the receivers, and its softphone manager acts on `mute`.
    broadcast: (message) => {
      if (!message || typeof message.event !== "string" || BROADCAST_NOISE.has(message.event)) return;
      model.broadcasts.push({ event: message.event, data: structuredClone(message.data ?? null), at: Date.now() });
      send(message.event, message.data);
      if (message.event === "mute") softphoneMute(message.data);
    },
    // ClientEngine: pollForAgentConfiguration, then updateAgent.
    reload_agent_configuration: push,
    // configure, outer_context_info, iframe_style, tab_id, close: nothing to do.
  };

  // ClientEngine.handleMasterRequest, for the one port this page has.
  const masters = new Map();
  function handleMasterRequest(request) {
    const { topic, shouldNotBecomeMasterIfNone } = request.params || {};
    let data;
    if (request.method === "becomeMaster") {
      masters.set(topic, portId);
      data = { masterId: portId, takeOver: false, topic };
    } else if (request.method === "checkMaster") {
      if (!masters.has(topic) && !shouldNotBecomeMasterIfNone) masters.set(topic, portId);
      const masterId = masters.get(topic);
      data = { masterId, isMaster: masterId === portId, topic };
    } else {
      return; // the worker throws on unknown master methods: no response
    }
    // EventFactory.createResponse
    send("master_response", { event: "master_response", requestId: request.requestId, data, err: null });
  }

  // ClientEngine.handleAPIRequest → EventFactory.createResponse(API_RESPONSE,
  // request, data, JSON.stringify(err)). AWS errors are shaped by
  // AWSClient._formatCallError(_addStatusCodeToError(err)).
  function handleApiRequest(request) {
    const method = request.method;
    const params = request.params ?? {};
    model.requests.push({ method, params: structuredClone(params), at: Date.now() });
    let data = {};
    let err = null;
    try {
      const forced = model.failures.get(method);
      if (forced) {
        model.failures.delete(method);
        throw forced;
      }
      if (!Object.hasOwn(API, method)) {
        // AWSClient._callImpl: a method the bundled AWS model lacks fails with
        // a ValueError, which JSON.stringify turns into "{}".
        data = { message: `No such method exists on AWS client: ${method}` };
        err = "{}";
      } else {
        data = API[method](params) ?? {};
      }
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError("InternalServiceException", String(e?.message || e), 500);
      data = null; // the AWS SDK's send callback gets (err, null)
      const formatted = { type: error.type, message: error.message, stack: [], retryStatus: "none" };
      if (error.statusCode !== null) formatted.statusCode = error.statusCode;
      err = JSON.stringify(formatted);
    }
    logPanel(method, err ? JSON.parse(err).type || "failed" : "ok");
    send("api_response", { event: "api_response", requestId: request.requestId, data, err });
  }

  window.addEventListener("message", (event) => {
    if (controlMessage(event.data)) return handleControl(event);
    // connect.WindowIOStream.onMessage: only the parent; connect.Conduit._dispatchEvent: needs .event
    if (!host || event.source !== host || !event.data || typeof event.data.event !== "string") return;
    // Signed out or gone: the CCP would show its login page or be dead.
    if (!model.loggedIn || model.gone) return;
    const handler = Object.hasOwn(upstreamHandlers, event.data.event) ? upstreamHandlers[event.data.event] : null;
    if (handler) handler(event.data.data);
  });

  // ---------------------------------------------------------------------------
  // API methods: connect.ClientMethods the host calls through client.call.

  // Operations of the AWS model bundled in Streams 2.28.2 that the emulator
  // does not play: they fail loudly rather than pretend.
  const notEmulatedMethods = new Set();
  const notEmulated = (method) => {
    notEmulatedMethods.add(method);
    return () => {
      throw new ApiError("NotImplemented", `The CCP emulator does not implement ${method}`, 501);
    };
  };
  const accepted = () => ({});

  // One page of a list, for the paged Get* operations: nextToken is the index
  // of the next item, as a string.
  function page(list, nextToken, maxResults) {
    const start = Number(nextToken) || 0;
    const end = start + (maxResults > 0 ? maxResults : list.length);
    return { items: list.slice(start, end).map((x) => structuredClone(x)), next: end < list.length ? String(end) : null };
  }

  function muteLeg(contactId, connectionId, muted) {
    const c = requireContact(contactId);
    const leg = requireLeg(c, connectionId);
    if (!ACTIVE.has(leg.state.type)) throw invalidState(`Connection ${connectionId} is ${leg.state.type}`);
    setMute(leg, muted);
  }

  const API = {
    acceptContact({ contactId }) {
      const c = requireContact(contactId);
      if (c.direction !== "inbound" || c.state.type !== "connecting" || c.accepted) throw invalidState("Contact is not ringing");
      c.accepted = true;
      later(config.connectDelay, () => {
        if (model.contact !== c || c.state.type !== "connecting") return;
        setLeg(agentLeg(c), "connected");
        setContactState(c, "connected");
        systemState("Busy");
        changed();
      });
    },

    rejectContact({ contactId }) {
      const c = requireContact(contactId);
      if (c.direction !== "inbound" || c.state.type !== "connecting") throw invalidState("Only a ringing contact can be rejected");
      failForAgent(c, "FailedConnectAgent");
      changed();
    },

    clearContact({ contactId }) {
      requireContact(contactId);
      dropContact();
      changed();
    },

    completeContact(params) {
      return API.clearContact(params);
    },

    destroyConnection({ contactId, connectionId }) {
      const c = requireContact(contactId);
      const leg = requireLeg(c, connectionId);
      if (!ACTIVE.has(leg.state.type)) throw invalidState(`Connection ${connectionId} is ${leg.state.type}`);
      if (leg.type !== "agent") farEndLeft(c, leg);
      else if (c.direction === "inbound" && c.state.type === "connecting") failForAgent(c, "FailedConnectAgent"); // #245: how old CCPs rejected
      else endContact(c); // the agent leaves; a third party still with the customer makes it a transfer
      changed();
    },

    holdConnection({ contactId, connectionId }) {
      const c = requireContact(contactId);
      const leg = requireLeg(c, connectionId);
      if (leg.type === "agent" || leg.state.type !== "connected" || c.state.type !== "connected") throw invalidState("Only a connected party can be put on hold");
      setLeg(leg, "hold");
      changed();
    },

    resumeConnection({ contactId, connectionId }) {
      const c = requireContact(contactId);
      const leg = requireLeg(c, connectionId);
      if (leg.state.type !== "hold") throw invalidState("Connection is not on hold");
      setLeg(leg, "connected");
      changed();
    },

    sendDigits({ contactId, connectionId, digits }) {
      const c = requireContact(contactId);
      const leg = requireLeg(c, connectionId);
      if (c.state.type !== "connected" || !ACTIVE.has(leg.state.type)) throw invalidState("Digits need a connected call");
      if (typeof digits !== "string" || !/^[0-9*#,]+$/.test(digits)) throw new ApiError("BadRequestException", `Invalid digits ${digits}`);
      model.digits.push({ connectionId, digits });
    },

    createAdditionalConnection({ contactId, endpoint }) {
      const c = requireContact(contactId);
      validEndpoint(endpoint);
      if (c.state.type !== "connected") throw invalidState("Contact is not connected");
      if (thirdParty(c)) throw invalidState("The emulator supports one additional party");
      // A7 (#876): agent and queue quick connects show up as INTERNAL-TRANSFER.
      const internal = endpoint.type !== "phone_number";
      const quickConnect = endpoint.endpointARN && QUICK_CONNECTS.find((q) => q.endpointARN === endpoint.endpointARN);
      const name = quickConnect ? quickConnect.name : internal ? endpoint.name || null : null;
      const leg = newLeg("outbound", false, "connecting", phoneEndpoint(internal ? "INTERNAL-TRANSFER" : endpoint.phoneNumber), name);
      for (const other of farLegs(c)) if (other.state.type === "connected") setLeg(other, "hold");
      c.connections.push(leg);
      if (config.thirdPartyDelay >= 0) later(config.thirdPartyDelay, () => answerLeg(c, leg));
      changed();
    },

    toggleActiveConnections({ contactId }) {
      const c = requireContact(contactId);
      const legs = farLegs(c);
      const states = legs.map((l) => l.state.type).sort().join();
      if (legs.length !== 2 || states !== "connected,hold") throw invalidState("Swap needs one party connected and one on hold");
      for (const leg of legs) setLeg(leg, leg.state.type === "hold" ? "connected" : "hold");
      changed();
    },

    conferenceConnections({ contactId }) {
      const c = requireContact(contactId);
      const legs = farLegs(c);
      if (legs.length < 2 || legs.some((l) => l.state.type === "connecting")) throw invalidState("Conference needs two answered parties");
      for (const leg of legs) if (leg.state.type === "hold") setLeg(leg, "connected");
      changed();
    },

    // Agent.prototype.setState sends the whole AgentStateDefinition. The
    // worker's AWS SDK validates it against shape S2e first (Streams #162: a
    // bare string; #614: the SDK's own error types); a well-formed state the
    // instance does not have is refused by the service (#316: InvalidStateException).
    putAgentState({ state, enqueueNextState }) {
      if (!state || typeof state !== "object" || Array.isArray(state)) {
        throw new ApiError("InvalidParameterType", "Expected params.state to be a structure", null);
      }
      for (const key of ["type", "name"]) {
        if (state[key] === undefined || state[key] === null) throw new ApiError("MissingRequiredParameter", `Missing required key '${key}' in params.state`, null);
      }
      const def = state.agentStateARN ? AGENT_STATES.find((s) => s.agentStateARN === state.agentStateARN) : stateDef(state.name);
      if (!def || def.name !== state.name) throw invalidState(`Agent state ${state.name} (${state.agentStateARN ?? "no ARN"}) does not exist on this instance`);
      if (model.contact) {
        // Agent.setState docs: only with enqueueNextState while a contact is live.
        if (!enqueueNextState) throw invalidState("Can only be performed if the agent is not handling a live contact");
        model.agent.next = { ...def };
      } else {
        model.agent.next = null;
        selectState(def);
      }
      changed();
    },

    // Agent.prototype.getEndpoints pages while nextToken is truthy.
    getEndpoints({ nextToken, maxResults }) {
      const { items, next } = page(QUICK_CONNECTS, nextToken, maxResults);
      return { endpoints: items, nextToken: next };
    },

    // GetAgentStates {states: [S2e], nextToken}: the worker reads it into
    // configuration.agentStates, which agent.getAgentStates() returns.
    getAgentStates({ nextToken, maxResults }) {
      const { items, next } = page(AGENT_STATES, nextToken, maxResults);
      return { states: items, nextToken: next };
    },

    // VoiceConnection.muteParticipant/unmuteParticipant: server-side mute of
    // one leg; on the agent's own leg the CCP mutes its microphone to match.
    muteParticipant({ contactId, connectionId }) {
      muteLeg(contactId, connectionId, true);
    },

    unmuteParticipant({ contactId, connectionId }) {
      muteLeg(contactId, connectionId, false);
    },

    // Agent.prototype.connect: an outbound call to a number or a quick
    // connect; the customer leg is initial, [agent, customer] as in A1
    // outboundVoiceContact. Both legs are connecting until the customer answers.
    createOutboundContact({ endpoint, queueARN }) {
      if (model.contact) throw invalidState("The agent is handling a contact");
      if (model.agent.state.type === "offline") throw invalidState("The agent is offline");
      validEndpoint(endpoint);
      const queue = agentConfiguration().routingProfile.queues.find((q) => q.queueARN === queueARN)?.name || "BasicQueue";
      const number = endpoint.type === "phone_number" ? endpoint.phoneNumber : "INTERNAL-TRANSFER";
      const c = newContact({ direction: "outbound", queue, ani: number, initiationMethod: "outbound" });
      const quickConnect = endpoint.endpointARN && QUICK_CONNECTS.find((q) => q.endpointARN === endpoint.endpointARN);
      const customer = newLeg("outbound", true, "connecting", phoneEndpoint(number), quickConnect ? quickConnect.name : null);
      c.connections = [newLeg("agent", false, "connecting", agentEndpoint()), customer];
      model.contact = c;
      systemState("CallingCustomer");
      if (config.thirdPartyDelay >= 0) later(config.thirdPartyDelay, () => answerLeg(c, customer));
      changed();
    },

    // Telemetry the host sends up: accepted and dropped.
    notifyContactIssue: accepted,
    sendClientLogs: accepted,
    sendSoftphoneCallMetrics: accepted,
    sendSoftphoneCallReport: accepted,

    // Worker-internal calls (their results travel inside agent::update) and
    // features outside a voice CTI bridge.
    ...Object.fromEntries(
      [
        "getAgentSnapshot", "getAgentConfiguration", "getAgentPermissions",
        "getDialableCountryCodes", "getRoutingProfileQueues", "getNewAuthToken", "createTransport",
        "updateAgentConfiguration", "createTaskContact", "pauseContact", "resumeContact",
        "updateMonitorParticipantState",
      ].map((m) => [m, notEmulated(m)]),
    ),
  };

  // ---------------------------------------------------------------------------
  // Scripting API: window.ccpEmulator, and the same calls over postMessage.

  function requireSignedIn() {
    if (!model.loggedIn) throw new Error("the agent is signed out: call login() first");
  }

  function currentContact() {
    requireSignedIn();
    if (!model.contact) throw new Error("there is no contact");
    return model.contact;
  }

  // Runs an API method as the CCP's own UI would, turning API errors into
  // plain Errors for the script.
  function asAgent(method, params) {
    try {
      API[method](params);
    } catch (e) {
      throw new Error(e.message);
    }
  }

  const agentView = () => ({ name: model.agent.state.name, type: model.agent.state.type });

  // A quick connect by name, or a phone number, as the endpoint Streams sends.
  function endpointFor(target) {
    const quickConnect = QUICK_CONNECTS.find((q) => q.name === target);
    if (quickConnect) return structuredClone(quickConnect);
    if (typeof target !== "string" || !target.trim()) throw new Error("dial a phone number or a quick connect's name");
    return phoneEndpoint(target.trim());
  }

  const scripting = {
    // The agent signs in (in the CCP or the login window): the session starts,
    // and this frame completes the handshake. A state name selects that state;
    // without one the agent keeps the state the service has (Available at first).
    login(stateName) {
      const def = stateName === undefined ? null : stateDef(stateName);
      if (stateName !== undefined && !def) throw new Error(`unknown agent state ${stateName}`);
      writeSession("in");
      if (!model.loggedIn) {
        if (def || !model.agent.state) selectState(def || stateDef("Available"));
        signIn();
      } else if (def) {
        asAgent("putAgentState", { state: def });
      }
      return agentView();
    },

    // The instance's logout endpoint (logout.html): the session ends, and the
    // CCP tells Streams with `terminated`.
    logout() {
      writeSession("out");
      if (model.loggedIn) signOut("terminated");
    },

    // The session expires: the CCP tells Streams with `auth_fail`.
    expire() {
      writeSession("out");
      if (model.loggedIn) signOut("auth_fail");
    },

    session: readSession,

    setAgentState(name, { enqueueNextState = false } = {}) {
      requireSignedIn();
      const def = stateDef(name);
      if (!def) throw new Error(`unknown agent state ${name}: one of ${AGENT_STATES.map((s) => s.name).join(", ")}`);
      asAgent("putAgentState", { state: def, enqueueNextState });
      return agentView();
    },

    ring({ ani = "+161081111", dnis = "+16013261548", queue = "InboundTest", systemEndpoints = false, initiationMethod = null, attributes = {}, agentStateARN = null, endState = "ended" } = {}) {
      requireSignedIn();
      if (model.contact) throw new Error("a contact is already in progress (voice concurrency is 1)");
      if (model.agent.state.type !== "routable") throw new Error(`the agent is ${model.agent.state.name}: calls only ring for a routable agent`);
      const c = newContact({ direction: "inbound", queue, ani, dnis, attributes, initiationMethod, systemEndpoints, agentStateARN, endState });
      // A1 sample snapshots and #696: [agent, customer]; the customer is already connected.
      const agent = newLeg("agent", false, "connecting", agentEndpoint());
      const customer = newLeg("inbound", true, "connected", phoneEndpoint(ani));
      c.connections = [agent, customer];
      model.contact = c;
      systemState("PendingBusy");
      changed();
      return { contactId: c.contactId, agentConnectionId: agent.connectionId, customerConnectionId: customer.connectionId };
    },

    // The agent presses Accept in the CCP: like contact.accept() there, the
    // success is broadcast to every window (connect.ContactEvents.ACCEPTED).
    accept() {
      const c = currentContact();
      asAgent("acceptContact", { contactId: c.contactId });
      send("contact::accepted", { contactId: c.contactId });
      send(`contact::accepted::${c.contactId}`, { contactId: c.contactId });
      return c.contactId;
    },

    reject() {
      const c = currentContact();
      asAgent("rejectContact", { contactId: c.contactId });
      return c.contactId;
    },

    hold(connectionId) {
      const c = currentContact();
      const id = connectionId || c.connections.find((l) => l.initial)?.connectionId;
      asAgent("holdConnection", { contactId: c.contactId, connectionId: id });
      return id;
    },

    resume(connectionId) {
      const c = currentContact();
      const id = connectionId || c.connections.find((l) => l.state.type === "hold")?.connectionId;
      if (!id) throw new Error("no connection is on hold");
      asAgent("resumeConnection", { contactId: c.contactId, connectionId: id });
      return id;
    },

    // The customer hangs up.
    hangup() {
      const c = currentContact();
      const customer = c.connections.find((l) => l.initial);
      if (!ACTIVE.has(customer.state.type)) throw new Error("the customer is not on the call");
      farEndLeft(c, customer);
      changed();
      return customer.connectionId;
    },

    clear() {
      const c = currentContact();
      asAgent("clearContact", { contactId: c.contactId });
      return c.contactId;
    },

    // The dialled party (a consult, or an outbound call's customer) answers.
    thirdPartyAnswer() {
      const c = currentContact();
      const leg = c.connections.find((l) => l.type !== "agent" && l.state.type === "connecting");
      if (!leg) throw new Error("nobody is being dialled");
      answerLeg(c, leg);
      return leg.connectionId;
    },

    thirdPartyHangup() {
      const c = currentContact();
      const leg = thirdParty(c);
      if (!leg) throw new Error("there is no third party on the call");
      farEndLeft(c, leg);
      changed();
      return leg.connectionId;
    },

    // The ring times out.
    miss() {
      const c = currentContact();
      if (c.direction !== "inbound" || c.state.type !== "connecting") throw new Error("the contact is not ringing");
      failForAgent(c, "MissedCallAgent");
      changed();
      return c.contactId;
    },

    // The agent dials from the CCP: a number, or a quick connect's name.
    dial(target) {
      requireSignedIn();
      const queueARN = agentConfiguration().routingProfile.defaultOutboundQueue.queueARN;
      asAgent("createOutboundContact", { endpoint: endpointFor(target), queueARN });
      return model.contact.contactId;
    },

    // The agent adds a party from the CCP (consult): a number or a quick connect's name.
    consult(target) {
      const c = currentContact();
      asAgent("createAdditionalConnection", { contactId: c.contactId, endpoint: endpointFor(target) });
      return thirdParty(c).connectionId;
    },

    // The agent leaves the call; with a third party still on it, that is a (blind) transfer.
    leave() {
      const c = currentContact();
      asAgent("destroyConnection", { contactId: c.contactId, connectionId: agentLeg(c).connectionId });
      return c.contactId;
    },

    // The agent presses mute / unmute in the CCP.
    mute() {
      return muteSelf(true);
    },

    unmute() {
      return muteSelf(false);
    },

    agentStates: () => structuredClone(AGENT_STATES),
    quickConnects: () => structuredClone(QUICK_CONNECTS),

    failNext(method, message = `${method} failed`, type = "InvalidStateException") {
      if (typeof method !== "string" || !method) throw new Error("failNext needs a method name");
      model.failures.set(method, new ApiError(type, String(message)));
      render();
    },

    disappear() {
      model.gone = true;
      render();
    },

    reappear() {
      model.gone = false;
      push();
      render();
    },

    requests: () => structuredClone(model.requests),
    broadcasts: () => structuredClone(model.broadcasts),
    digits: () => model.digits.map((d) => d.digits).join(""),
    snapshot: snapshotJSON,

    // Back to a fresh page's state, minus the handshake (already done) and the
    // sign-in (kept): no contact, Available, nothing recorded.
    reset() {
      const signedIn = model.loggedIn;
      for (const id of model.timers) clearTimeout(id);
      model = freshModel();
      if (signedIn) {
        model.loggedIn = true;
        selectState(stateDef("Available"));
      }
      push(); // also forgets what ?persist=1 kept
      render();
    },
  };

  function muteSelf(muted) {
    const c = currentContact();
    if (!hasMedia(c)) throw new Error("the agent has no call audio to mute");
    setMute(agentLeg(c), muted);
    return muted;
  }

  window.ccpEmulator = Object.freeze({ ...scripting });

  // {"ccpEmulator": {"id", "call", "args"}}, as an object or its JSON text.
  function controlMessage(data) {
    if (typeof data === "string" && data.includes('"ccpEmulator"')) {
      try {
        data = JSON.parse(data);
      } catch {
        return null;
      }
    }
    return data && typeof data === "object" && data.ccpEmulator && typeof data.ccpEmulator === "object" ? data.ccpEmulator : null;
  }

  // Only exact origins from ?control= may script; everything else is ignored
  // without a reply, and replies go to the caller's exact origin.
  function handleControl(event) {
    if (!config.control.has(event.origin) || !event.source) return;
    const request = controlMessage(event.data);
    const asText = typeof event.data === "string";
    const reply = (body) => {
      const message = { ccpEmulator: { id: request.id ?? null, ...body } };
      event.source.postMessage(asText ? JSON.stringify(message) : message, event.origin);
    };
    const fn = Object.hasOwn(scripting, request.call) ? scripting[request.call] : null;
    if (!fn) return reply({ error: `unknown call ${request.call}` });
    try {
      reply({ result: fn(...(Array.isArray(request.args) ? request.args : [])) ?? null });
    } catch (e) {
      reply({ error: e.message });
    }
  }

  // ---------------------------------------------------------------------------
  // Control panel (index.html): rendered from the model, acting through the
  // scripting API so that it behaves exactly like a test script.

  const $ = (id) => document.getElementById(id);

  function logPanel(text, outcome) {
    model.panelLog.unshift({ at: new Date(), text, outcome });
    model.panelLog.length = Math.min(model.panelLog.length, 30);
    render();
  }

  function act(label, fn) {
    try {
      fn();
    } catch (e) {
      logPanel(label, e.message);
    }
  }

  const legLabel = (leg) => (leg.type === "agent" ? "Agent (you)" : leg.initial ? "Customer" : "Third party");
  const stateClass = (type) => `st-${String(type).replace(/[^a-z_]/gi, "")}`;
  const KIND_LABEL = Object.freeze({ agent: "agent", queue: "queue", phone_number: "number" });

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(text, className, data = {}) {
    const node = el("button", className, text);
    node.type = "button";
    Object.assign(node.dataset, data);
    return node;
  }

  function formatDuration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  }

  function render() {
    if (!$("panel")) return; // not loaded yet
    const { loggedIn, agent, contact: c, gone } = model;
    $("signed-out").hidden = loggedIn;
    $("signed-in").hidden = !loggedIn;
    $("logout").hidden = !loggedIn;
    $("link").textContent = gone ? "Gone" : !loggedIn ? "Signed out" : host ? "Linked" : "No host";
    $("link").className = `link ${gone ? "st-error" : host && loggedIn ? "st-routable" : "st-offline"}`;
    $("disappear").textContent = gone ? "Reappear" : "Disappear";
    if (!loggedIn) return;

    $("agent-state-label").textContent = `${agent.state.name} · ${formatDuration(serviceNow() - agent.state.startTimestamp)}`;
    $("agent-state-label").className = stateClass(agent.state.type);
    $("agent-state").value = (agent.next || agent.availability).name;
    $("next-state").textContent = agent.next ? `Next: ${agent.next.name}` : "";
    const me = c && agentLeg(c);
    $("mute-state").hidden = !me?.mute;

    $("ring-form").hidden = Boolean(c);
    $("dial-form").hidden = Boolean(c);
    $("call").hidden = !c;
    // Idle, a quick connect dials out; on a connected call it adds the party (consult).
    const canConsult = Boolean(c) && c.state.type === "connected" && !thirdParty(c);
    $("quick-connects").hidden = Boolean(c) && !canConsult;
    $("qc-hint").textContent = c ? "· add to the call" : "· call";
    $("qc-list").replaceChildren(
      ...QUICK_CONNECTS.map((q) => {
        const li = el("li");
        const target = button(q.name, "qc-target", { qc: q.name });
        target.title = q.phoneNumber || q.endpointARN;
        li.append(el("span", `kind kind-${q.type}`, KIND_LABEL[q.type]), target);
        return li;
      }),
    );
    if (c) {
      const title = { connecting: c.direction === "inbound" ? "Incoming call" : "Calling…", connected: "On call", ended: "After call work", error: "Missed / rejected" };
      $("call-title").textContent = `${title[c.state.type] || c.state.type} · ${c.queue.name}`;
      $("call-timer").textContent = formatDuration((c.endedAt || serviceNow()) - c.queueTimestamp);
      const legs = c.connections.map((leg) => {
        const li = el("li");
        const number = leg.quickConnectName ? `${leg.quickConnectName} (${leg.endpoint.phoneNumber})` : leg.endpoint.phoneNumber || "";
        li.append(el("span", "party", legLabel(leg)), el("span", "num", number));
        if (leg.mute) li.append(el("span", "badge st-error", "muted"));
        li.append(el("span", `badge ${stateClass(leg.state.type)}`, leg.state.type));
        // The far end's own actions: answering a dialled party, a third party hanging up.
        const action = leg.type === "agent" ? null : leg.state.type === "connecting" ? "Answer" : !leg.initial && ACTIVE.has(leg.state.type) ? "Hang up" : null;
        if (action) li.append(button(action, "ghost", { action }));
        return li;
      });
      $("legs").replaceChildren(...legs);
      // Only the actions that make sense now, as in the CCP.
      const customer = c.connections.find((l) => l.initial);
      const ringing = c.direction === "inbound" && c.state.type === "connecting";
      $("accept").hidden = !ringing;
      $("accept").disabled = c.accepted;
      $("miss").hidden = !ringing;
      $("hold").hidden = c.state.type !== "connected" || !["connected", "hold"].includes(customer.state.type);
      $("hold").textContent = customer.state.type === "hold" ? "Resume" : "Hold";
      $("mute").hidden = !hasMedia(c);
      $("mute").textContent = me.mute ? "Unmute" : "Mute";
      $("leave").hidden = !(ACTIVE.has(me.state.type) && !ringing);
      $("hangup").hidden = !ACTIVE.has(customer.state.type);
      $("clear").hidden = !["ended", "error"].includes(c.state.type);
    }

    $("fail-status").replaceChildren(...[...model.failures].map(([method, e]) => el("li", "", `Next ${method} fails: ${e.type}: ${e.message}`)));
    $("log").replaceChildren(
      ...model.panelLog.slice(0, 8).map((entry) => {
        const li = el("li", entry.outcome === "ok" ? "" : "bad");
        li.append(el("time", "", entry.at.toLocaleTimeString([], { hour12: false })), el("span", "", entry.text), el("span", "out", entry.outcome === "ok" ? "✓" : entry.outcome));
        return li;
      }),
    );
  }

  // What the fail-next selector offers: every API method the emulator plays
  // (telemetry aside), and the `mute` broadcast; the error types of connect.CTIExceptions.
  const FAILABLE = Object.freeze([...Object.keys(API).filter((m) => !notEmulatedMethods.has(m) && API[m] !== accepted).sort(), "mute"]);
  const ERROR_TYPES = Object.freeze(["InvalidStateException", "AccessDeniedException", "BadEndpointException", "InvalidAgentARNException", "InvalidConfigurationException", "QuotaExceededException"]);

  function setUpPanel() {
    $("agent-name").textContent = config.agentName;
    $("avatar").textContent = config.agentName
      .split(/\s+/)
      .map((w) => w[0] || "")
      .join("")
      .slice(0, 2)
      .toUpperCase();
    // Grouped as the CCP's state menu: routable, the not-ready reasons, offline.
    const groups = [
      ["Routable", "routable"],
      ["Not ready", "not_routable"],
      ["Offline", "offline"],
    ].map(([label, type]) => {
      const group = el("optgroup");
      group.label = label;
      group.append(...AGENT_STATES.filter((s) => s.type === type).map((s) => el("option", "", s.name)));
      return group;
    });
    $("agent-state").replaceChildren(...groups);
    const fail = $("fail-form");
    fail.elements.method.replaceChildren(...FAILABLE.map((m) => el("option", "", m)));
    fail.elements.method.value = "acceptContact";
    fail.elements.type.replaceChildren(...ERROR_TYPES.map((t) => el("option", "", t)));

    $("login").addEventListener("click", () => act("login", () => scripting.login()));
    $("logout").addEventListener("click", () => act("logout", () => scripting.logout()));
    $("agent-state").addEventListener("change", (e) =>
      act("set state", () => scripting.setAgentState(e.target.value, { enqueueNextState: Boolean(model.contact) })),
    );
    $("ring-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const form = new FormData(e.target);
      const field = (name) => form.get(name).trim() || undefined; // empty: the default
      act("ring", () => scripting.ring({ ani: field("ani"), dnis: field("dnis") ?? null, queue: field("queue") }));
    });
    $("dial-form").addEventListener("submit", (e) => {
      e.preventDefault();
      act("dial", () => scripting.dial(new FormData(e.target).get("number")));
    });
    $("qc-list").addEventListener("click", (e) => {
      const name = e.target.dataset?.qc;
      if (name) act(model.contact ? "consult" : "dial", () => (model.contact ? scripting.consult(name) : scripting.dial(name)));
    });
    $("accept").addEventListener("click", () => act("accept", () => scripting.accept()));
    $("hold").addEventListener("click", () =>
      act("hold", () => (model.contact?.connections.find((l) => l.initial)?.state.type === "hold" ? scripting.resume() : scripting.hold())),
    );
    $("mute").addEventListener("click", () => act("mute", () => (agentLeg(model.contact).mute ? scripting.unmute() : scripting.mute())));
    $("leave").addEventListener("click", () => act("leave", () => scripting.leave()));
    $("hangup").addEventListener("click", () => act("hang up", () => scripting.hangup()));
    $("miss").addEventListener("click", () => act("miss", () => scripting.miss()));
    $("clear").addEventListener("click", () => act("clear", () => scripting.clear()));
    $("legs").addEventListener("click", (e) => {
      const action = e.target.dataset?.action;
      if (action === "Answer") act("answer", () => scripting.thirdPartyAnswer());
      if (action === "Hang up") act("third party hangs up", () => scripting.thirdPartyHangup());
    });
    fail.addEventListener("submit", (e) => {
      e.preventDefault();
      const form = new FormData(e.target);
      const method = form.get("method");
      act("fail next", () => scripting.failNext(method, form.get("message").trim() || `${method} failed`, form.get("type")));
    });
    $("disappear").addEventListener("click", () => (model.gone ? scripting.reappear() : scripting.disappear()));
    render();
  }

  // ---------------------------------------------------------------------------
  // Start-up.

  model = freshModel();
  const kept = restore();
  const session = readSession();
  // A reload: the service still has the agent and the call (?persist=1). Only the handshake is new.
  if (kept?.agent?.state) Object.assign(model, { agent: kept.agent, contact: kept.contact });
  if (session !== "out" && (kept?.loggedIn || session === "in" || (session === null && config.autoLogin))) scripting.login();
  window.addEventListener("storage", (e) => {
    // The logout endpoint, in another window of this origin, ended the session.
    if (e.key === SESSION_KEY && e.newValue === "out" && model.loggedIn) signOut("terminated");
  });
  // The real worker long-polls GetAgentSnapshot and pushes every result.
  if (config.pushInterval > 0) setInterval(push, config.pushInterval);
  setInterval(render, 1000); // panel timers
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpPanel);
  else setUpPanel();
})();

// A stand-in for the `connect` global of amazon-connect-streams with exactly the surface both bridges use
// (wasm/streams.go; jsbridge.js): the EventBus's agent REFRESH, the agent data provider, the client, the
// upstream and connect.Contact. It lets the benchmark drive a softphone role with no CCP in the loop, so that
// what is timed is the bridge, not Streams.
//
// push(snapshot) is a Streams agent snapshot arriving: it becomes the provider's data and every REFRESH
// subscriber runs, synchronously, as Streams' EventBus does. The client answers acceptContact on a microtask
// (Streams answers asynchronously; a microtask is the cheapest asynchronous answer) with success, then pushes
// fake.acceptSnapshot (the contact with the agent's leg connected) if one is set.

export function fakeConnect() {
  const subscribers = new Map();
  const fake = {
    agentData: null,
    acceptSnapshot: null,
    calls: 0,
    AgentEvents: { REFRESH: "agent::refresh" },
    EventType: { BROADCAST: "broadcast" },
    ContactEvents: { ACCEPTED: "accepted" },
    push(snapshot) {
      fake.agentData = { snapshot };
      const list = subscribers.get("agent::refresh");
      if (list) for (const fn of list) fn();
    },
  };
  const bus = {
    subscribe(event, fn) {
      const list = subscribers.get(event) || [];
      subscribers.set(event, [...list, fn]);
      return { unsubscribe: () => subscribers.set(event, (subscribers.get(event) || []).filter((f) => f !== fn)) };
    },
  };
  const provider = {
    getAgentData() {
      if (!fake.agentData) throw new Error("No agent data is available yet!");
      return fake.agentData;
    },
  };
  const client = {
    call(method, params, callbacks) {
      fake.calls++;
      queueMicrotask(() => {
        callbacks.success({});
        if (method === "acceptContact" && fake.acceptSnapshot) {
          const next = fake.acceptSnapshot;
          fake.acceptSnapshot = null;
          fake.push(next);
        }
      });
    },
  };
  const upstream = { sendUpstream() {} };
  fake.core = {
    getEventBus: () => bus,
    getAgentDataProvider: () => provider,
    getClient: () => client,
    getUpstream: () => upstream,
    getContactEventName: (event, id) => `${event}::${id}`,
  };
  fake.Contact = function Contact(id) {
    this.contactId = id;
  };
  return fake;
}

// Snapshots. The runner captures three real ones from Streams (getAgentData().snapshot, JSON.stringify'd) in
// the answer phase: the contact ringing, connected, and connected with the customer on hold. Benchmarks derive
// from them snapshots with fresh state timestamps, so that every event is newer than the last (a CRM drops an
// event older than the state it holds) and its order can be checked at the far end.

const legs = (snapshot) => snapshot.contacts.find((c) => c.type === "voice").connections;

/** A copy of template with the agent leg's and the customer leg's state timestamps set to ms since the epoch. */
export function stamped(template, agentMs, customerMs) {
  const s = structuredClone(template);
  for (const c of legs(s)) {
    if (c.type === "agent") c.state.timestamp = new Date(agentMs).toISOString();
    else if (customerMs !== undefined) c.state.timestamp = new Date(customerMs).toISOString();
  }
  return s;
}

/** The customer leg's state timestamp (ms) in a call event's message: how the CRM end checks order. */
export const eventTime = (message) => Date.parse(message.call.ResponseActual.statusTimestamp);

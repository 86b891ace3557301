// The CRM page of the answer phase (answer-crm.html?bridge=go|js): embeds answer-softphone.html and exposes
// answerEnabled() and timedAnswer() to the runner.
import { load } from "../../ctibridge.js";
import { JsCRM } from "./jsbridge.js";

const bridge = new URLSearchParams(location.search).get("bridge");
const config = await (await fetch("answer-config.json")).json();
const iframe = document.getElementById("softphone");
iframe.src = `${config.softphoneUrl}?bridge=${bridge}`;
const crm = bridge === "go"
  ? await load({ role: "crm", softphone: iframe, softphoneOrigin: config.softphoneOrigin, source: "myapp" })
  : new JsCRM({ softphone: iframe, softphoneOrigin: config.softphoneOrigin, source: "myapp" });
let agent = null;
crm.on("AgentStateChange", (m) => (agent = m.agent.label));
crm.on("Snapshot", (m) => (agent = m.agent?.label ?? agent));

globalThis.bench = {
  isolated: () => globalThis.crossOriginIsolated === true,
  agent: () => agent,
  answerEnabled: () => (bridge === "go" ? crm.buttons().answer.state === "Enable" : crm.answerEnabled),
  /** µs from answerCall() to its promise resolved with the connected event. */
  async timedAnswer() {
    const t0 = performance.now();
    const message = await crm.answerCall();
    const us = (performance.now() - t0) * 1000;
    if (message.call.ResponseActual.status !== "connected") throw new Error("resolved before connected");
    return us;
  },
};

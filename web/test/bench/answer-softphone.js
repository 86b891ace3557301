// The softphone page of the answer phase (answer-softphone.html?bridge=go|js): real amazon-connect-streams
// against the CCP emulator, with ctibridge's softphone role or the hand-written bridge. Its configuration
// (answer-config.json) is written by the runner for the ports it got.
import { load } from "../../ctibridge.js";
import { JsSoftphone } from "./jsbridge.js";

const bridge = new URLSearchParams(location.search).get("bridge");
const config = await (await fetch("answer-config.json")).json();
const container = document.getElementById("ccp");
const streams = {
  softphone: { allowFramedSoftphone: true, disableRingtone: true },
  pageOptions: { enableAudioDeviceSettings: false, enablePhoneTypeSettings: false },
  ccpSynTimeout: 60000,
};
if (bridge === "go") {
  globalThis.softphone = await load({ role: "softphone", crmOrigins: [config.crmOrigin], ccpUrl: config.ccpUrl, container, streams });
} else {
  connect.core.initCCP(container, { ccpUrl: config.ccpUrl, loginPopup: false, ...streams });
  globalThis.softphone = new JsSoftphone({ connect, crmOrigin: config.crmOrigin });
}
/** The agent snapshot Streams holds, as the Go bridge reads it. */
globalThis.snapshotJSON = () => JSON.stringify(connect.core.getAgentDataProvider().getAgentData().snapshot);

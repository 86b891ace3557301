// The softphone page: Amazon Connect Streams plus the ctibridge softphone role. Everything it needs comes
// from softphone.config.js, which the deployer edits.
import { load } from "./ctibridge.js";
import config from "./softphone.config.js";

const status = document.getElementById("status");

try {
  const softphone = await load({
    role: "softphone",
    ccpUrl: config.ccpUrl,
    logoutUrl: config.logoutUrl,
    crmOrigins: config.crmOrigins,
    container: document.getElementById("ccp"),
    streams: config.streams,
    contactAttributes: config.contactAttributes,
    debug: config.debug,
  });
  softphone.on("diagnostic", (d) => console.warn("ctibridge softphone:", d.reason, d.origin || "", d.detail || ""));
  status.textContent = `Bridge ready · CCP ${new URL(config.ccpUrl).host}`;
  globalThis.ctibridgeSoftphone = softphone; // for the console and the end-to-end tests
} catch (err) {
  status.textContent = err.message;
  status.classList.add("error");
  console.error(err);
}

import { load } from "ctibridge";

const container = document.getElementById("ccp"); // <div id="ccp">: initCCP puts the CCP iframe here
if (!container) throw new Error("the page needs a #ccp element");

const softphone = await load({
  role: "softphone",
  crmOrigins: ["https://crm.example.com"], // the CRM pages that may embed and drive this softphone
  ccpUrl: "https://example.my.connect.aws/ccp-v2/", // your instance's CCP, or the CCP emulator's URL
  container,
  streams: { softphone: { allowFramedSoftphone: true } }, // more connect.core.initCCP parameters
});
softphone.on("diagnostic", (d) => console.warn("ctibridge:", d.reason, d.origin ?? "", d.detail ?? ""));

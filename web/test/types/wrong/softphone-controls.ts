// Call controls belong to the CRM role; the softphone bridge has on, diagnostics and close only.
import { load } from "ctibridge";

const container = document.createElement("div");
const softphone = await load({
  role: "softphone",
  crmOrigins: ["https://crm.example.com"],
  ccpUrl: "https://example.my.connect.aws/ccp-v2/",
  container,
});
await softphone.answerCall(); // error TS2339: Property 'answerCall' does not exist on type 'SoftphoneBridge'

// The callback receives the envelope's message: ButtonStates is under message.call, as in the vendor sample.
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
bridge.on("InboundCallStateChange", (message) => {
  console.log(message.ButtonStates.items.answer); // error TS2339: Property 'ButtonStates' does not exist on type 'InboundCallStateChangeMessage'
});

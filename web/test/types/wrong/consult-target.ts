// consult takes a number, {phoneNumber} or {quickConnect}.
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
await bridge.consult({ number: "+15555550100" }); // error TS2353: 'number' does not exist in type

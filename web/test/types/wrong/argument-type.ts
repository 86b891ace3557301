// sendDigits takes the DTMF digits as a string, not a number.
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
await bridge.sendDigits(1234); // error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'

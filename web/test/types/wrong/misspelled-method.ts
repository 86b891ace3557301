// A misspelled control method: the bridge has answerCall, not answercall.
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
await bridge.answercall(); // error TS2551: Did you mean 'answerCall'?

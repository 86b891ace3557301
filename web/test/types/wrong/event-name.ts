// Event names are the envelope subtopics (and "diagnostic"): there is no "CallStateChange".
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
bridge.on("CallStateChange", () => console.log("never called")); // error TS2769: Argument of type '"CallStateChange"' is not assignable

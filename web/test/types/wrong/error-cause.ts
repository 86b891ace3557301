// A bridge error's kind of failure is .reason: .cause is ES2022's chained error (unknown), never the reason.
import type { BridgeError, Cause } from "ctibridge";
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
await bridge.holdCall().catch((err: BridgeError) => {
  const reason: Cause | "" = err.reason;
  const cause: Cause | "" = err.cause; // error TS2322: Type 'unknown' is not assignable to type '"" | Cause'
  console.warn(reason, cause);
});

// Diagnostic reasons are a closed set (core/diagnostics.go): a misspelt one can never match.
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
bridge.on("diagnostic", (d) => {
  if (d.reason === "WRONG_ORIGN") console.warn(d.origin); // error TS2367: 'DiagnosticReason' and '"WRONG_ORIGN"' have no overlap
});

// crmOrigins is a softphone option; a CRM names its softphone's origin.
import { load } from "ctibridge";

const iframe = document.createElement("iframe");
await load({ role: "crm", softphone: iframe, crmOrigins: ["https://crm.example.com"] }); // error TS2769: 'crmOrigins' does not exist in type 'CrmLoadOptions'

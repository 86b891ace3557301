// initCCP needs a container unless the page starts Streams itself (initCCP: false).
import { load } from "ctibridge";

await load({ role: "softphone", crmOrigins: ["https://crm.example.com"], ccpUrl: "https://example.my.connect.aws/ccp-v2/" }); // error TS2769: Property 'container' is missing

// Softphone configuration: the deployer edits this file, and only this file, to point the softphone at an
// Amazon Connect instance and to name the CRM pages allowed to embed and drive it. It is deliberately not read
// from the URL or from the CRM: whoever can change these values can take calls.
//
// The values below are those of `make demo`: the CCP emulator on 127.0.0.1:8002 and the demo CRM on
// 127.0.0.1:8000. For a real instance:
//   ccpUrl:     "https://<instance>.my.connect.aws/ccp-v2/" (and add this page's origin to the instance's
//               Approved origins in the Amazon Connect console)
//   crmOrigins: ["https://crm.example.com"] (exact origins; no wildcards, no paths)
//   logoutUrl:  leave it out: the instance's https://<instance>.my.connect.aws/connect/logout
export default {
  ccpUrl: "http://127.0.0.1:8002/emulator/index.html?persist=1",
  crmOrigins: ["http://127.0.0.1:8000"],
  // The instance's logout endpoint, which the vendor's Logout loads (the default is /connect/logout on ccpUrl's
  // origin; the emulator's is its own page).
  logoutUrl: "http://127.0.0.1:8002/emulator/logout.html",
  // Extra connect.core.initCCP parameters, merged over the bridge's defaults ({ccpUrl, loginPopup: false}).
  // loginUrl is the login window the vendor's Login opens when the agent is signed out (default: ccpUrl).
  streams: {
    loginUrl: "http://127.0.0.1:8002/emulator/login.html",
    softphone: { allowFramedSoftphone: true, disableRingtone: true },
    pageOptions: { enableAudioDeviceSettings: false, enablePhoneTypeSettings: false },
  },
  // Contact attributes the CRM receives (ExtendedCallVariables, InboundCall/StateSync), by name, e.g.
  // ["customerId"]. None by default: attributes are personal data; allow only what the CRM needs.
  contactAttributes: [],
  // Log every envelope (phone numbers masked) to the console.
  debug: false,
};

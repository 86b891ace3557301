// In the CRM page, whose origin the emulator's ?control= lists: ring a call through the emulator's postMessage API.
const emulatorOrigin = "http://127.0.0.1:8002"; // the origin of the softphone's ccpUrl
const ccp = document.querySelector("iframe")?.contentWindow?.frames[0]; // the CCP frame, inside the softphone frame
const reply = new Promise((resolve) => {
  addEventListener("message", function onReply(e) {
    if (e.origin === emulatorOrigin && e.data?.ccpEmulator?.id === 1) {
      removeEventListener("message", onReply);
      resolve(e.data.ccpEmulator); // {id: 1, result: {contactId, ...}} or {id: 1, error: "..."}
    }
  });
});
ccp?.postMessage({ ccpEmulator: { id: 1, call: "ring", args: [{ ani: "+15555550100" }] } }, emulatorOrigin);
console.log("emulator:", JSON.stringify(await reply));
export {};

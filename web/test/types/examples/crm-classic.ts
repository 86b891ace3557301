// A classic script after <script src="node_modules/ctibridge/ctibridge.classic.js">: no import, no bundler.
window.ctibridge
  .load({
    role: "crm",
    softphone: document.getElementsByTagName("iframe")[0],
    softphoneOrigin: "https://softphone.example.com", // exact origin, never "*"
    source: "acme-crm",
  })
  .then((bridge) => {
    const answer = document.getElementsByTagName("button")[0];
    bridge.on("InboundCallStateChange", ({ call }) => {
      console.log(`ctibridge: ${call.CallType} leg ${call.event}, caller ${call.CallVariables.ANI}`);
      answer.hidden = bridge.buttons().answer.state !== "Enable"; // the call bar of every leg
    });
    answer.addEventListener("click", () => {
      bridge.answerCall().then(() => console.log("ctibridge: answered"),
        (err) => console.error(`ctibridge: ${err.type} (${err.reason}): ${err.code}`));
    });
  });

import { load } from "ctibridge";

const iframe = document.querySelector("iframe"); // <iframe src="https://softphone.example.com/softphone.html">
const answer = document.querySelector("button"); // <button hidden>Answer</button>
if (!iframe || !answer) throw new Error("the page needs the softphone iframe and an Answer button");

const bridge = await load({
  role: "crm",
  softphone: iframe,
  softphoneOrigin: "https://softphone.example.com", // exact origin, never "*"
  source: "acme-crm", // goes into every request's "source"
});
bridge.on("InboundCallStateChange", ({ call }) => {
  console.log(`ctibridge: ${call.CallType} leg ${call.event}, caller ${call.CallVariables.ANI}`);
  answer.hidden = bridge.buttons().answer.state !== "Enable"; // the call bar of every leg
});
answer.addEventListener("click", () => {
  bridge.answerCall().then(() => console.log("ctibridge: answered"),
    (err) => console.error(`ctibridge: ${err.type} (${err.reason}): ${err.code}`));
});

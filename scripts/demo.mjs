// make demo: serves the demo CRM page, the softphone page and the CCP emulator on three origins of 127.0.0.1
// and prints the CRM's URL. Ctrl-C stops everything.
//
//   CRM_PORT=8000 SOFTPHONE_PORT=8001 EMULATOR_PORT=8002   the ports (these are the defaults)
//   CCP_URL=https://<instance>.my.connect.aws/ccp-v2/       use a real Amazon Connect instance, not the emulator
//
// The two configuration files (web/softphone.config.js, web/demo/config.js) are served as generated from these
// values (the demo CRM's not-ready reasons and quick connects as committed), so the committed ones stay the
// documented defaults.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import demoConfig from "../web/demo/config.js";
import { serve } from "./serve.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const web = path.join(root, "web");
const port = (name, def) => Number(process.env[name] || def);
const host = "127.0.0.1";
const crmOrigin = `http://${host}:${port("CRM_PORT", 8000)}`;
const softphoneOrigin = `http://${host}:${port("SOFTPHONE_PORT", 8001)}`;
const emulatorOrigin = `http://${host}:${port("EMULATOR_PORT", 8002)}`;
// persist=1: the emulator keeps the call when the softphone (and so its CCP) reloads, as Amazon's service does.
const ccpUrl = process.env.CCP_URL || `${emulatorOrigin}/emulator/index.html?persist=1`;

const generated = path.join(root, ".tmp", "demo");
await mkdir(generated, { recursive: true });
const softphoneConfig = path.join(generated, "softphone.config.js");
const crmConfig = path.join(generated, "config.js");
await writeFile(softphoneConfig, `export default ${JSON.stringify({
  ccpUrl,
  crmOrigins: [crmOrigin],
  streams: {
    softphone: { allowFramedSoftphone: true, disableRingtone: !process.env.CCP_URL },
    pageOptions: { enableAudioDeviceSettings: false, enablePhoneTypeSettings: false },
  },
  debug: Boolean(process.env.DEBUG),
}, null, 2)};\n`);
await writeFile(crmConfig, `export default ${JSON.stringify({
  ...demoConfig, softphoneUrl: `${softphoneOrigin}/softphone.html`, softphoneOrigin,
}, null, 2)};\n`);

const routes = {
  "/softphone.config.js": softphoneConfig,
  "/demo/config.js": crmConfig,
};
let servers;
try {
  servers = await Promise.all([crmOrigin, softphoneOrigin, emulatorOrigin].map((origin) =>
    serve({ root: web, host, port: Number(new URL(origin).port), routes })));
} catch (err) {
  console.error(`make demo: ${err.message} (set CRM_PORT, SOFTPHONE_PORT, EMULATOR_PORT to free ports)`);
  process.exit(1);
}

console.log(`ctibridge demo
  CRM page   ${crmOrigin}/demo/index.html   <- open this
  softphone  ${softphoneOrigin}/softphone.html
  CCP        ${ccpUrl}${process.env.CCP_URL ? "" : "   (the CCP emulator: ring a call from its panel)"}
Ctrl-C stops the servers.`);

const stop = async () => {
  await Promise.all(servers.map((s) => s.close()));
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

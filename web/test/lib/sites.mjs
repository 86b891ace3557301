// Three origins serving web/, as the end-to-end tests need them: the CRM page,
// the softphone page (which hosts Streams) and the CCP emulator each get their
// own port on 127.0.0.1, so every frame is cross-origin to the others.

import { fileURLToPath } from "node:url";
import { serve } from "../../../scripts/serve.mjs";

const webRoot = fileURLToPath(new URL("../../", import.meta.url));
const streamsMin = fileURLToPath(
  new URL("../node_modules/amazon-connect-streams/release/connect-streams-min.js", import.meta.url),
);

/**
 * Routes every server adds to web/: Streams comes straight from the pinned npm
 * package, so tests never depend on a copy in web/vendor/.
 */
export const ROUTES = Object.freeze({ "/vendor/connect-streams-min.js": streamsMin });

/**
 * Starts the three servers. Each of crm, softphone and emulator is a server
 * from scripts/serve.mjs: `{origin, url(path), close()}`.
 *
 * @param {{headers?: Record<string, string>, routes?: Record<string, string>}} [options] extra response
 *   headers, and extra routes (URL path → file) served before web/
 * @returns {Promise<{crm: Site, softphone: Site, emulator: Site, close: () => Promise<void>}>}
 * @typedef {Awaited<ReturnType<typeof serve>>} Site
 */
export async function startSites({ headers = {}, routes = {} } = {}) {
  const start = () => serve({ root: webRoot, host: "127.0.0.1", port: 0, headers, routes: { ...ROUTES, ...routes } });
  const [crm, softphone, emulator] = await Promise.all([start(), start(), start()]);
  return {
    crm,
    softphone,
    emulator,
    close: async () => {
      await Promise.all([crm.close(), softphone.close(), emulator.close()]);
    },
  };
}

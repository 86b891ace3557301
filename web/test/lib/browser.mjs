// Headless Chromium for the end-to-end tests, driven by playwright-core.
// Playwright never downloads a browser here: it runs the system Chromium.

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

// Debian's real binary first: /usr/bin/chromium is a shell launcher around it.
const CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];

/**
 * Flags every launch needs: no GPU, no component updates, and a resolver that
 * answers NOTFOUND for every host name but the loopback ones, so that neither
 * Chromium nor a page can reach the network.
 */
export const CHROMIUM_ARGS = Object.freeze([
  "--disable-gpu",
  "--disable-component-update",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2",
]);

/** The Chromium binary: $CHROMIUM if set, else the first Debian path that exists. */
export function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  const found = CANDIDATES.find((file) => existsSync(file));
  if (!found) throw new Error("Chromium not found: install Debian's chromium package or set CHROMIUM");
  return found;
}

/**
 * Launches headless Chromium. Extra Playwright launch options are passed
 * through; extra `args` are appended to CHROMIUM_ARGS.
 *
 * @param {import("playwright-core").LaunchOptions} [options]
 * @returns {Promise<import("playwright-core").Browser>}
 */
export function launch({ args = [], ...options } = {}) {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...args],
  });
}

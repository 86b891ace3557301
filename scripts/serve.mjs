// A small zero-dependency static file server, used by the end-to-end tests and
// the demo runner (import it), or from the command line:
//
//   node scripts/serve.mjs --root web --host 127.0.0.1 --port 8000 [--header "Name: value"]...
//
// It serves files under `root` only, answers 404 for anything missing, never
// lets a path escape `root`, and sends `Cache-Control: no-store` unless told
// otherwise, so a rebuilt .wasm is always picked up.

import { createReadStream, realpathSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Content types by file extension; anything else is application/octet-stream. */
export const MIME_TYPES = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
});

/**
 * Starts a static file server.
 *
 * @param {object} options
 * @param {string} options.root directory to serve (resolved against the cwd)
 * @param {string} [options.host] interface to bind; 127.0.0.1 by default
 * @param {number} [options.port] port; 0 (the default) picks a free one
 * @param {Record<string, string>} [options.headers] extra headers on every
 *   response (e.g. COOP/COEP/CORP for cross-origin isolation); they override
 *   the defaults, including Cache-Control
 * @param {Record<string, string>} [options.routes] exact URL paths mapped to
 *   absolute file paths, served before looking under root (e.g. a file from
 *   node_modules)
 * @returns {Promise<{origin: string, url: (p?: string) => string, close: () => Promise<void>}>}
 */
export async function serve({ root, host = "127.0.0.1", port = 0, headers = {}, routes = {} } = {}) {
  if (!root) throw new Error("serve: root is required");
  const rootDir = await realpath(path.resolve(root));
  const routeMap = new Map(Object.entries(routes));

  const server = createServer((req, res) => {
    handle(req, res, { rootDir, routeMap, headers }).catch((err) => {
      if (!res.headersSent) send(res, 500, headers, `internal error: ${err.message}\n`);
      else res.destroy(err);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port: boundPort } = server.address();
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
  return {
    origin,
    url: (p = "/") => new URL(p, origin).href,
    close: () =>
      new Promise((resolve) => {
        // Keep-alive sockets from a browser would otherwise hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req, res, { rootDir, routeMap, headers }) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(res, 405, { ...headers, Allow: "GET, HEAD" }, "method not allowed\n");
  }
  const url = new URL(req.url, "http://x");
  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return send(res, 400, headers, "bad request\n");
  }
  if (pathname.includes("\0")) return send(res, 400, headers, "bad request\n");

  let file = routeMap.get(pathname);
  if (!file) {
    // path.join normalises "..", and the containment check below catches what
    // is left (including symlinks that point outside root, via realpath).
    file = path.join(rootDir, pathname);
    if (!isInside(rootDir, file)) return send(res, 404, headers, "not found\n");
  }

  let info = await statOrNull(file);
  if (info?.isDirectory()) {
    // Relative URLs in an index page need the trailing slash.
    if (!pathname.endsWith("/")) {
      return send(res, 301, { ...headers, Location: `${url.pathname}/${url.search}` }, "moved\n");
    }
    file = path.join(file, "index.html");
    info = await statOrNull(file);
  }
  if (!info?.isFile()) return send(res, 404, headers, "not found\n");
  if (!routeMap.has(pathname) && !isInside(rootDir, await realpath(file))) {
    return send(res, 404, headers, "not found\n");
  }

  res.writeHead(200, {
    "Content-Type": MIME_TYPES[path.extname(file).toLowerCase()] || "application/octet-stream",
    "Content-Length": info.size,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file)
    .on("error", (err) => res.destroy(err))
    .pipe(res);
}

function send(res, status, headers, body) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(body);
}

function isInside(rootDir, file) {
  const rel = path.relative(rootDir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

async function statOrNull(file) {
  try {
    return await stat(file);
  } catch (err) {
    if (err.code === "ENOENT" || err.code === "ENOTDIR") return null;
    throw err;
  }
}

function parseArgs(argv) {
  const options = { root: ".", host: "127.0.0.1", port: 0, headers: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--root") options.root = value;
    else if (flag === "--host") options.host = value;
    else if (flag === "--port") options.port = Number(value);
    else if (flag === "--header") {
      const colon = value.indexOf(":");
      if (colon < 1) throw new Error(`--header wants "Name: value", got ${value}`);
      options.headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0) throw new Error("--port must be a port number");
  return options;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`serve: ${err.message}`);
    console.error('usage: node scripts/serve.mjs --root DIR [--host 127.0.0.1] [--port 0] [--header "Name: value"]...');
    process.exit(2);
  }
  const server = await serve(options);
  console.log(server.origin);
  const stop = () => server.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function isMain() {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false; // no script path (node -e, a REPL): imported, not run
  }
}

if (isMain()) await main();

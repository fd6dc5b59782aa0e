// Static server for the playground: web/ at /, dist/ at /dist/, with the strict Content-Security-Policy every page
// must work under. Some answers are computed: /dist/precache.js (the service worker's file list and version,
// always current), /oembed.json?url=… (oEmbed for a playground or embed URL of this site), and the page's and the
// worker's bundles, /dist/playground.mjs and /dist/playground-worker.mjs, made as tools/build/bundle.mjs makes
// them from the sources as they are now (made again when one of their files changes: web/ edits show at once).
// Hostile requests get a plain error, never a crash: only GET and HEAD (405), a Host header that is a host (400),
// percent-encodings that decode (400), no symlink out of the served folders (404), and the security headers on
// every answer, errors included. The pages that offer models from the Hugging Face Hub (the HTML pages and the two
// worker scripts) may connect to the Hub and its storage hosts (web/lib/hub-names.mjs), to a mirror named by
// their own ?hub=, and to the hubs the server is started with (--hub <origin>, for a mirror and its storage).
// Usage: node tools/serve/serve.mjs [--port 8080] [--hub http://mirror.example …]
import { createServer } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HUB_CONNECT_SOURCES, endpointOrNull } from '../../web/lib/hub-names.mjs';
import { oembedFor } from '../../web/lib/share.mjs';
import { PLAYGROUND_BUNDLES, playgroundBundle } from '../build/playground-bundles.mjs';
import { precacheScript } from '../build/precache.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OFFLINE_FILE = join(root, 'dist', 'attention-playground.html');

// The policy of every answer; connect: the connect-src sources; framed: may be framed by any page (embed.html).
export const cspFor = ({ connect = ["'self'"], framed = false } = {}) => [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  `connect-src ${connect.join(' ')}`,
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  ...(framed ? [] : ["frame-ancestors 'self'"]),
].join('; ');
export const CSP = cspFor();
// Cross-origin isolation, on every answer: the playground's worker may then share memory with its threads (the
// threaded build). Its own requests are same-origin, and the Hub's answer CORS requests, which isolation allows;
// embed.html framed by another site is not isolated (an iframe's page is isolated only if its parent is), and
// runs on one thread.
export const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

// URL prefix -> folder (of the repository, or absolute), longest prefix first. Tests add their own pages.
const DEFAULT_MOUNTS = { '/dist/': 'dist', '/': 'web' };

class Refused extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// A URL path to a file in a mounted folder, refusing what escapes it, also through a symlink.
async function resolvePath(urlPath, mounts) {
  const prefix = Object.keys(mounts).sort((a, b) => b.length - a.length).find((p) => urlPath.startsWith(p));
  const folder = isAbsolute(mounts[prefix]) ? mounts[prefix] : join(root, mounts[prefix]);
  let rest;
  try {
    rest = decodeURIComponent(urlPath.slice(prefix.length));
  } catch {
    throw new Refused(400, 'Bad request: the path has a malformed percent-encoding');
  }
  if (rest.includes('\0')) throw new Refused(400, 'Bad request: the path holds a NUL character');
  const file = normalize(join(folder, rest || 'index.html'));
  const realFolder = await realpath(folder);
  const inside = async (path) => {  // the path, if it and what its links lead to are in the folder
    const real = await realpath(path).catch(() => null);
    if (real === null || !real.startsWith(realFolder + sep) || !path.startsWith(folder + sep)) throw new Refused(404, `Not found: ${urlPath}`);
    return real;
  };
  if (!(await stat(await inside(file))).isDirectory()) return file;
  const index = join(file, 'index.html');
  await inside(index);
  return index;
}

// The pages that offer models from a hub: the HTML pages, and the worker scripts that read the models (the
// playground's worker as built, dist/playground-worker.mjs, and its source, web/worker.mjs, which works as well).
const offersHub = (file) => (file.endsWith('.html') && file !== OFFLINE_FILE)
  || [join(root, 'web', 'worker.mjs'), join(root, 'dist', 'playground-worker.mjs'), join(root, 'dist', 'attention-view.js')].includes(file);

// The offline file carries its own policy in a meta tag (its one inline script and style by hash): the header
// says the same, so that the file served over http runs as it does from disk (and may be framed only here).
function offlinePolicy(body) {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(body.toString('utf8'))?.[1];
  return meta ? `${meta}; frame-ancestors 'self'` : CSP;
}

function headersFor(file, url, options, body) {
  if (file === OFFLINE_FILE) return offlinePolicy(body);
  if (!offersHub(file)) return CSP;
  const mirror = endpointOrNull(url.searchParams.get('hub') ?? '');
  const hubs = [...HUB_CONNECT_SOURCES, ...options.hubs, ...(mirror ? [new URL(mirror).origin] : [])];
  return cspFor({ connect: ["'self'", ...new Set(hubs)], framed: file.endsWith(`${sep}embed.html`) });
}

const COMPUTED = {
  '/dist/precache.js': async (url, options) => ['.js', await precacheScript(options.precacheSalt?.())],
  // oEmbed for a URL of this site only, with sizes that are positive integers; the answer's text can hold the
  // user's sentence, so <, > and & are escaped inside the JSON strings (the values stay the same).
  '/oembed.json': async (url) => {
    const site = `${url.origin}/`;
    const target = url.searchParams.get('url') ?? site;
    let parsed;
    try {
      parsed = new URL(target);
    } catch {
      throw new Refused(404, 'Not found: url is not a URL');
    }
    if (parsed.origin !== url.origin || !/^\/(index\.html|embed\.html)?$/.test(parsed.pathname)) throw new Refused(404, 'Not found: url is not a page of this site');
    const sizes = {};
    for (const name of ['maxwidth', 'maxheight']) {
      const value = url.searchParams.get(name);
      if (value === null) continue;
      if (!/^[1-9]\d{0,5}$/.test(value)) throw new Refused(400, `Bad request: ${name} must be a positive integer`);
      sizes[name] = Number(value);
    }
    const answer = oembedFor(target, site, sizes);
    return ['.json', `${JSON.stringify(answer, null, 2).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`];
  },
};

// A bundle by its name (PLAYGROUND_BUNDLES) as its files are now: the one made last while none of them changed.
const bundles = new Map();  // name -> promise of { text, inputs, times: mtimes of inputs }
const mtimes = (files) => Promise.all(files.map((file) => stat(file).then((s) => s.mtimeMs, () => null)));
async function freshBundle(name) {
  const made = await bundles.get(name)?.catch(() => null);
  if (made && (await mtimes(made.inputs)).every((time, i) => time === made.times[i])) return made.text;
  const making = (async () => {
    const before = Date.now();
    const { text, inputs } = await playgroundBundle(name, { write: false });
    // A file written while esbuild read it (NaN: never equal): made again on the next request.
    const times = (await mtimes(inputs)).map((time) => (time !== null && time >= before ? NaN : time));
    return { text, inputs, times };
  })();
  bundles.set(name, making);
  return (await making).text;
}
const BUNDLE_PATHS = Object.fromEntries(Object.keys(PLAYGROUND_BUNDLES).map((name) => [`/dist/${name}`, name]));

// The Host header as a host (name or address, and a port), else null.
const hostOf = (header) => (header === undefined ? 'localhost'
  : /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(header) ? header : null);

async function handle(request, response, mounts, options) {
  const send = (status, type, body, csp = CSP, extra = {}) => {
    response.writeHead(status, {
      'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache',
      ...ISOLATION, ...extra,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  try {
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new Refused(405, `Method not allowed: ${request.method.slice(0, 20)}`);
    const host = hostOf(request.headers.host);
    if (host === null || !request.url.startsWith('/')) throw new Refused(400, 'Bad request: the Host header or the request target is not one this server answers');
    const url = new URL(`http://${host}${request.url}`);
    if (COMPUTED[url.pathname]) {
      const [extension, body] = await COMPUTED[url.pathname](url, options);
      return send(200, TYPES[extension], body);
    }
    if (BUNDLE_PATHS[url.pathname]) {
      const body = await freshBundle(BUNDLE_PATHS[url.pathname]);
      return send(200, TYPES['.mjs'], body, headersFor(join(root, 'dist', BUNDLE_PATHS[url.pathname]), url, options, body));
    }
    const file = await resolvePath(url.pathname, mounts);
    const body = await readFile(file);
    return send(200, TYPES[extname(file)] ?? 'application/octet-stream', body, await headersFor(file, url, options, body));
  } catch (error) {
    const status = error instanceof Refused ? error.status : error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 404 : 500;
    const text = error instanceof Refused ? error.message : status === 404 ? 'Not found' : 'Server error';
    if (status === 500) console.error(`${request.method} ${request.url.slice(0, 200)}: ${error.message}`);
    return send(status, 'text/plain; charset=utf-8', `${text}\n`, CSP, status === 405 ? { Allow: 'GET, HEAD' } : {});
  }
}

// Resolves to the listening server; port 0 picks a free port (the tests use that).
// extraMounts adds URL prefixes, e.g. { '/test-pages/': 'tests/e2e/pages' }. options: precacheSalt, a function
// whose text changes the service worker's version as a new release would (for the update test); hubs, origins
// the hub pages may also connect to (a mirror and the hosts it sends files from).
export function startServer(port = 8080, extraMounts = {}, options = {}) {
  const mounts = { ...DEFAULT_MOUNTS, ...extraMounts };
  const hubs = (options.hubs ?? []).map((hub) => {
    const endpoint = endpointOrNull(hub);
    if (!endpoint) throw new RangeError(`hubs: '${hub}' is not an http(s) origin`);
    return new URL(endpoint).origin;
  });
  // Made before the first page asks (a failure shows on that request).
  const made = Promise.all(Object.keys(PLAYGROUND_BUNDLES).map((name) => freshBundle(name).catch(() => {})));
  return made.then(() => new Promise((resolve, reject) => {
    const server = createServer((request, response) => handle(request, response, mounts, { ...options, hubs }));
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = (name) => process.argv.flatMap((arg, i) => (arg === name ? [process.argv[i + 1]] : []));
  const port = Number(flag('--port')[0] ?? process.env.PORT ?? 8080);
  startServer(port, {}, { hubs: flag('--hub') }).then(
    (server) => console.log(`Attention playground: http://localhost:${server.address().port}/  (Ctrl+C stops it)`),
    (error) => {
      console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: stop the other server or use --port N` : error.message);
      process.exit(1);
    },
  );
}

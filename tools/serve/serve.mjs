// Static server for the playground: web/ at /, dist/ at /dist/. Same origin only, with the strict
// Content-Security-Policy every page must work under. Two answers are computed: /dist/precache.js (the service
// worker's file list and version, always current) and /oembed.json?url=… (oEmbed for a playground or embed URL).
// Usage: node tools/serve/serve.mjs [--port 8080]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { oembedFor } from '../../web/lib/share.mjs';
import { precacheScript } from '../build/precache.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

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

// URL prefix -> folder of the repository, longest prefix first. Tests add their own pages.
const DEFAULT_MOUNTS = { '/dist/': 'dist', '/': 'web' };

// Maps a URL path to a file in a mounted folder, refusing anything that escapes it.
function resolvePath(urlPath, mounts) {
  const prefix = Object.keys(mounts).sort((a, b) => b.length - a.length).find((p) => urlPath.startsWith(p));
  const folder = join(root, mounts[prefix]);
  const rest = urlPath.slice(prefix.length);
  const file = normalize(join(folder, decodeURIComponent(rest) || 'index.html'));
  return file.startsWith(folder + sep) || file === folder ? file : null;
}

const HEADERS = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };

const COMPUTED = {
  '/dist/precache.js': async (url, options) => ['.js', await precacheScript(options.precacheSalt?.())],
  '/oembed.json': async (url) => {
    const site = `${url.origin}/`;
    const answer = oembedFor(url.searchParams.get('url') ?? site, site, Object.fromEntries(url.searchParams));
    return ['.json', `${JSON.stringify(answer, null, 2)}\n`];
  },
};

async function handle(request, response, mounts, options) {
  const url = new URL(request.url, `http://${request.headers.host ?? 'localhost'}`);
  const { pathname: path } = url;
  if (COMPUTED[path]) {
    const [extension, body] = await COMPUTED[path](url, options);
    response.writeHead(200, { 'Content-Type': TYPES[extension], ...HEADERS });
    return response.end(body);
  }
  let file = resolvePath(path, mounts);
  try {
    if (!file) throw Object.assign(new Error('outside the served folders'), { code: 'ENOENT' });
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...HEADERS });
    response.end(body);
  } catch (error) {
    response.writeHead(error.code === 'ENOENT' ? 404 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(error.code === 'ENOENT' ? `Not found: ${path}\n` : `Server error\n`);
  }
}

// Resolves to the listening server; port 0 picks a free port (the tests use that).
// extraMounts adds URL prefixes, e.g. { '/test-pages/': 'tests/e2e/pages' }. options.precacheSalt: a function
// whose text changes the service worker's version as a new release would (for the update test).
export function startServer(port = 8080, extraMounts = {}, options = {}) {
  const mounts = { ...DEFAULT_MOUNTS, ...extraMounts };
  return new Promise((resolve, reject) => {
    const server = createServer((request, response) => handle(request, response, mounts, options));
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const portFlag = process.argv.indexOf('--port');
  const port = Number(portFlag > 0 ? process.argv[portFlag + 1] : process.env.PORT ?? 8080);
  startServer(port).then(
    (server) => console.log(`Attention playground: http://localhost:${server.address().port}/  (Ctrl+C stops it)`),
    (error) => {
      console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: stop the other server or use --port N` : error.message);
      process.exit(1);
    },
  );
}

// The files the service worker (web/sw.js) keeps for offline use, and a version that changes whenever any of
// them does. tools/build/bundle.mjs writes it to dist/precache.js for static hosting; tools/serve/serve.mjs computes it on
// every request, so that editing a file during development also gives a new version.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// URL paths relative to the site's root (web/ at '/', dist/ at '/dist/'): the playground page and all it loads.
// The <attention-view> bundle, embed.html and the rest are cached when first fetched, not ahead.
async function precachedPaths() {
  // The page's modules come as one file, dist/playground.mjs (tools/build/bundle.mjs): none of web/'s own.
  const web = (await readdir(`${root}web`, { recursive: true })).filter((path) =>
    /^(index\.html|style\.css|hub\.css|manifest\.webmanifest|icon\.svg|ui\/views\.css)$/.test(path));
  const dist = (await readdir(`${root}dist`, { recursive: true })).filter((path) =>
    /^([\w-]+\.mjs|attention-(simd|scalar|threads)\.wasm|attention-threads(\.worker)?\.js|models\/[\w-]+\.attn)$/.test(path));
  return [...web.map((path) => [path, `${root}web/${path}`]), ...dist.map((path) => [`dist/${path}`, `${root}dist/${path}`])]
    .sort(([a], [b]) => a.localeCompare(b));
}

// { version, files }: the version is a hash of the path and bytes of every file served (web/ and dist/), so
// that files cached on first use are renewed too. `salt` stands for a change (the update test uses it).
export async function precacheManifest(salt = '') {
  const hash = createHash('sha256').update(salt);
  for (const folder of ['web', 'dist']) {
    for (const path of (await readdir(`${root}${folder}`, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name !== 'precache.js')
      .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`).sort()) {
      hash.update(`${path.slice(root.length)}\0`).update(await readFile(path));
    }
  }
  const paths = await precachedPaths();
  return { version: hash.digest('hex').slice(0, 16), files: ['./', ...paths.map(([path]) => path)] };
}

// The classic script web/sw.js imports.
export const precacheScript = async (salt) =>
  `// Written by tools/build/precache.mjs: what web/sw.js caches, and its version.\nself.PRECACHE = ${JSON.stringify(await precacheManifest(salt), null, 1)};\n`;

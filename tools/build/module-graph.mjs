// The static import graph of a served ES module, as URL paths of the playground's server (tools/serve/serve.mjs:
// web/ at /, dist/ at /dist/): every module that loading `entry` fetches, the entry's own imports before theirs.
// web/index.html lists them as <link rel="modulepreload"> so that the browser fetches them at once instead of
// one import level after another; tests/js/preload.test.mjs keeps that list whole. (Needs dist/ built.)
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fileOf = (path) => (path.startsWith('/dist/') ? `${root}dist/${path.slice(6)}` : `${root}web${path}`);
// import … from '…', export … from '…', and bare import '…' (not import(): those load on demand).
const SPECIFIERS = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

export async function moduleGraph(entry) {
  const seen = new Set([entry]), order = [];
  let level = [entry];
  while (level.length) {
    const next = [];
    for (const path of level) {
      const source = await readFile(fileOf(path), 'utf8');
      for (const [, specifier] of source.matchAll(SPECIFIERS)) {
        if (!specifier.startsWith('.')) continue;
        const target = posix.normalize(posix.join(posix.dirname(path), specifier));
        if (!seen.has(target)) seen.add(target), next.push(target), order.push(target);
      }
    }
    level = next;
  }
  return order;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const path of await moduleGraph(process.argv[2] ?? '/app.mjs')) console.log(`  <link rel="modulepreload" href="${path.slice(1)}">`);
}

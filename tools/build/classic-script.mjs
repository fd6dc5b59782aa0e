// esbuild's classic-script (IIFE) bundles of this project: wasm, models and styles inlined, so that pages
// opened from file:// can load them. Used by tools/build/bundle.mjs and tools/build/build-offline.mjs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = `${root}dist`;
export const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));

// entry: a path from the repository's root; options: esbuild's (outfile, or write: false, …).
export const classicScript = (entry, banner, options = {}) => build({
  entryPoints: [`${root}${entry}`],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  alias: { '@dist': dist, '@models': `${root}web/models` },
  loader: { '.wasm': 'binary', '.attn': 'binary', '.css': 'text' },
  banner: { js: `/* attention-playground ${version}: ${banner} */` },
  logLevel: 'warning',
  ...options,
});

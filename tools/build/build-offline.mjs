// npm run build:offline: the whole playground as one HTML file, dist/attention-playground.html, that runs from
// file:// with the network off: the page's script (web/app.mjs with web/lib/attention.offline.mjs as its core:
// both wasm builds and all built-in models inlined), its styles and icon inside. Its Content-Security-Policy
// meta tag allows exactly that script and that style (by hash), wasm compilation, and data:/blob: images.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { classicScript } from './classic-script.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const OFFLINE_FILE = `${root}dist/attention-playground.html`;

const { outputFiles: [script] } = await classicScript('web/app.mjs', 'the playground, offline in one file', {
  write: false,
  outfile: 'app.js',
  define: { 'import.meta.url': 'undefined' },  // no worker from file://: app.mjs computes on the page
  plugins: [{
    name: 'offline-core',
    setup(build) {
      build.onResolve({ filter: /^\.\/dist\/attention\.mjs$/ }, () => ({ path: `${root}web/lib/attention.offline.mjs` }));
    },
  }],
});
const js = script.text;
const css = (await Promise.all(['ui/views.css', 'style.css', 'hub.css'].map((file) => readFile(`${root}web/${file}`, 'utf8')))).join('\n');
const icon = `data:image/svg+xml;base64,${(await readFile(`${root}web/icon.svg`)).toString('base64')}`;
const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp = [
  "default-src 'none'", `script-src ${sha256(js)} 'wasm-unsafe-eval'`, `style-src ${sha256(css)}`,
  "img-src data: blob:", "base-uri 'none'", "object-src 'none'",
].join('; ');

let html = await readFile(`${root}web/index.html`, 'utf8');
const replace = (pattern, replacement) => {
  if (!pattern.test(html)) throw new Error(`web/index.html no longer has ${pattern}; update tools/build/build-offline.mjs`);
  html = html.replace(pattern, () => replacement);  // a function: the script holds "$&"-like text
};
replace(/ *<link rel="stylesheet" href="ui\/views.css">\n *<link rel="stylesheet" href="style.css">\n *<link rel="stylesheet" href="hub.css">\n/, '');
replace(/ *<link rel="manifest"[^>]*>\n/, '');
replace(/<link rel="icon" href="icon.svg"/, `<link rel="icon" href="${icon}"`);
replace(/ *<!-- web\/app.mjs and all it imports[^]*?-->\n *<script type="module" src="dist\/playground.mjs"><\/script>\n/, `  <style>${css}</style>\n`);
replace(/<meta charset="utf-8">\n/, `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="${csp}">\n`);
replace(/<\/body>/, `<script>${js}</script>\n</body>`);
await writeFile(OFFLINE_FILE, html);
console.log(`wrote ${OFFLINE_FILE.slice(root.length)}: ${(html.length / 1e6).toFixed(2)} MB`);

// The playground's page and its worker, each as one ES module in dist/: playground.mjs (web/app.mjs and all it
// imports) and playground-worker.mjs (web/worker.mjs and all it imports). On a 2-core machine every file a page or
// worker asks for costs 20-90 ms (six connections, the server and the browser on the same cores): the page's 60
// modules held up the worker's script behind them, and the worker then fetched ~25 modules, one import level
// after another, before it could ask for the wasm. tools/build/bundle.mjs writes both; tools/serve/serve.mjs
// serves them as built from the sources of the moment (rebuilt when one changes), so web/ edits show without a build.
// Both import dist/'s copies of web/lib (web/app.mjs imports './dist/…', served from dist/), so they are bundled
// from those, and belong beside them: import.meta.url still finds the .wasm files and models/ there.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { version } from './classic-script.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = `${root}dist`;

// external: import paths (patterns) left to the browser, as they are (from dist/).
export const PLAYGROUND_BUNDLES = {
  'playground-worker.mjs': { entry: 'web/worker.mjs', banner: "the playground's worker (web/worker.mjs), one file" },
  // The wasm glue, which dist/attention.mjs imports once it knows the build this browser runs, stays beside it
  // in dist/.
  'playground.mjs': {
    entry: 'web/app.mjs',
    banner: 'the playground page (web/app.mjs), one file',
    external: { '^\\./attention-(simd|scalar|threads)\\.mjs$': null },
  },
};

const plugins = (external) => [{
  name: 'served-dist',  // web/…/dist/x.mjs, as the server maps /dist/, is dist/x.mjs
  setup(b) {
    b.onResolve({ filter: /(^|\/)dist\// }, ({ path, resolveDir }) => {
      const file = join(resolveDir, path);
      return file.startsWith(`${root}web/dist/`) ? { path: `${dist}/${file.slice(`${root}web/dist/`.length)}` } : undefined;
    });
  },
}, {
  name: 'external',
  setup(b) {
    for (const [pattern, path] of Object.entries(external)) {
      b.onResolve({ filter: new RegExp(pattern) }, (args) => ({ path: path ?? args.path, external: true }));
    }
  },
}];

// One bundle by its name in dist/: written there, or with { write: false } -> { text, inputs } (the files it was
// made from, absolute paths). The Emscripten glue's require() calls are node's branch, never taken in a browser.
export async function playgroundBundle(name, { write = true } = {}) {
  const { entry, banner, external = {} } = PLAYGROUND_BUNDLES[name];
  const result = await build({
    entryPoints: [`${root}${entry}`],
    absWorkingDir: root,  // the metafile's paths (and the bundle's path comments) relative to the repo, wherever node runs
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    external: ['node:*', 'fs', 'path', 'perf_hooks', 'worker_threads'],
    outfile: `${dist}/${name}`,
    banner: { js: `/* attention-playground ${version}: ${banner} */` },
    logLevel: 'warning',
    write,
    metafile: !write,
    plugins: plugins(external),
  });
  if (write) return null;
  return { text: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs).map((path) => join(root, path)) };
}

// The playground's worker, started as soon as this small module arrives: before the page's own module (one file,
// dist/playground.mjs) has, so that the core's wasm and the model load while it does (web/index.html runs this on
// its own, async; web/app.mjs hands the worker to its engine, web/controllers/engine.mjs). What the worker says
// before the engine listens is held for it. Null where no worker starts from here (file://, or the one-file
// offline playground, which has no import.meta.url). The page's bundle imports this file rather than holding a
// copy (tools/build/playground-bundles.mjs): one instance, one worker.
// The worker's script is web/worker.mjs as the build makes it, one file with all it imports
// (dist/playground-worker.mjs), with the page's query: it reads ?simd=0, and the dev server gives it a CSP that
// allows ?hub='s mirror.
export const workerUrl = import.meta.url && typeof location === 'object' ? new URL(`../dist/playground-worker.mjs${location.search}`, import.meta.url) : null;

function startEarly() {
  if (!workerUrl || typeof Worker !== 'function' || !/^https?:$/.test(location.protocol)) return null;
  const url = workerUrl;
  let worker;
  try {
    worker = new Worker(url, { type: 'module' });
  } catch {
    return null;  // a Content-Security-Policy without worker-src, say: the engine starts on the page
  }
  const held = [];
  const hold = (event) => held.push(event);
  worker.addEventListener('message', hold);
  worker.addEventListener('error', hold);
  return {
    worker, url,
    // The held events to `listeners` ({ message, error }), which hear the later ones themselves.
    handOver(listeners) {
      worker.removeEventListener('message', hold);
      worker.removeEventListener('error', hold);
      for (const event of held.splice(0)) listeners[event.type]?.(event);
    },
  };
}

export const earlyWorker = startEarly();

// Where the playground computes: in web/worker.mjs when the browser can start it (always, over http), else on
// the page's own thread (module workers cannot start from file://). Either way: { ready, compute(request) },
// with compute running the newest request only (latestOnly).
import { createAnalyser, latestOnly } from './analysis.mjs';

export function startWorker(workerUrl) {
  const worker = new Worker(workerUrl, { type: 'module' });
  const calls = new Map();
  let nextId = 1;
  const ready = new Promise((resolve, reject) => {
    worker.addEventListener('message', ({ data }) => {
      if (data.ready) return resolve(data.ready);
      if (data.failed) return reject(new Error(data.failed));
      const call = calls.get(data.id);
      calls.delete(data.id);
      if (data.error !== undefined) call.reject(new Error(data.error));
      else call.resolve(data.result);
    });
    worker.addEventListener('error', (event) => reject(new Error(event.message || 'the worker could not start')));
  });
  const compute = (request) => new Promise((resolve, reject) => {
    const id = nextId++;
    calls.set(id, { resolve, reject });
    worker.postMessage({ id, request });
  });
  return { ready, compute: latestOnly(compute), terminate: () => worker.terminate() };
}

export function onThisThread(createAttention, options) {
  const core = createAttention(options);
  const analyser = core.then(createAnalyser);
  return {
    ready: core.then((attn) => ({ simd: attn.simd, arch: attn.arch })),
    compute: latestOnly(async (request) => (await analyser)(request)),
  };
}

// Where the attention is computed: in a Web Worker when the browser can start one (over http), else on the
// page's own thread (workers cannot start from file://); startEngine chooses, for the playground page and the
// <attention-view> element alike. Either way: { ready, compute(request), loadCheckpoint(files, onProgress) }. Requests run one after another; callers that want only their newest
// request wrap compute in latestOnly (analysis.mjs). loadCheckpoint makes the user's Hugging Face checkpoint the
// model named 'checkpoint' and resolves to { config }. The worker side is serveRequests below; web/worker.mjs
// and the <attention-view> bundle run it.
import { createAnalyser, transferables } from './analysis.mjs';

// workerOptions: { type: 'module' } for web/worker.mjs; {} for a classic script such as dist/attention-view.js.
export function startWorker(workerUrl, workerOptions = { type: 'module' }) {
  const worker = new Worker(workerUrl, workerOptions);
  const calls = new Map();
  let nextId = 1;
  const ready = new Promise((resolve, reject) => {
    worker.addEventListener('message', ({ data }) => {
      if (data.ready) return resolve(data.ready);
      if (data.failed) return reject(new Error(data.failed));
      const call = calls.get(data.id);
      if (data.progress) return call.onProgress?.(data.progress);
      calls.delete(data.id);
      if (data.error !== undefined) call.reject(new Error(data.error));
      else call.resolve(data.result);
    });
    worker.addEventListener('error', (event) => reject(new Error(event.message || 'the worker could not start')));
  });
  const call = (message, onProgress) => new Promise((resolve, reject) => {
    const id = nextId++;
    calls.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, ...message });
  });
  return {
    ready,
    compute: (request) => call({ request }),
    loadCheckpoint: (files, onProgress) => call({ checkpoint: [...files] }, onProgress),
    terminate: () => worker.terminate(),
  };
}

// A worker can start only over http(s) (browsers start none from file://), from a script of the page's own
// origin. workerUrl: null where there is no worker script (the one-file offline playground).
export const workerCanStart = (pageUrl, workerUrl) => typeof Worker === 'function' && workerUrl !== null
  && /^https?:$/.test(new URL(pageUrl).protocol) && new URL(workerUrl).origin === new URL(pageUrl).origin;

// A page's engine: the worker at workerUrl when it can start and does, otherwise (file://, a
// Content-Security-Policy without worker-src, a failed start) createAttention(options) on the page's thread.
// Resolves to { engine, simd, arch, where: 'in a worker' | 'on the page' }.
export async function startEngine({ pageUrl, workerUrl, workerOptions, createAttention, options }) {
  if (workerCanStart(pageUrl, workerUrl)) {
    let worker;
    try {
      worker = startWorker(workerUrl, workerOptions);
      return { engine: worker, ...(await worker.ready), where: 'in a worker' };
    } catch {
      worker?.terminate();
    }
  }
  const local = onThisThread(createAttention, options);
  return { engine: local, ...(await local.ready), where: 'on the page' };
}

// The user's checkpoint from its files into the analyser, as the model named 'checkpoint'.
async function addCheckpoint(core, analyser, files, onProgress) {
  const model = await (await core).loadCheckpoint(files, { onProgress });
  await (await analyser).add('checkpoint', model);
  return { config: model.config };
}

export function onThisThread(createAttention, options) {
  const core = createAttention(options);
  const analyser = core.then(createAnalyser);
  return {
    ready: core.then((attn) => ({ simd: attn.simd, arch: attn.arch })),
    compute: async (request) => (await analyser)(request),
    loadCheckpoint: (files, onProgress) => addCheckpoint(core, analyser, files, onProgress),
  };
}

// The worker's side of startWorker's protocol. In: { id, request } or { id, checkpoint: files }. Out:
// { ready: { simd, arch } } or { failed: message } once, then { id, progress } while a checkpoint loads, and
// { id, result } or { id, error: message } per message.
export function serveRequests(scope, createAttention, options) {
  const core = createAttention(options);
  const analyser = core.then(createAnalyser);
  core.then(
    (attn) => scope.postMessage({ ready: { simd: attn.simd, arch: attn.arch } }),
    (error) => scope.postMessage({ failed: error.message }),
  );
  scope.addEventListener('message', async ({ data: { id, request, checkpoint } }) => {
    try {
      if (checkpoint) {
        const progress = (p) => scope.postMessage({ id, progress: p });
        return scope.postMessage({ id, result: await addCheckpoint(core, analyser, checkpoint, progress) });
      }
      const result = await (await analyser)(request);
      scope.postMessage({ id, result }, transferables(result));
    } catch (error) {
      scope.postMessage({ id, error: error.message });
    }
  });
}

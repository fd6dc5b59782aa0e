// Where the attention is computed: on the page's own thread, or in a Web Worker when the browser can start one
// (over http; workers cannot start from file://). startEngine chooses for the <attention-view> element (the
// worker where it starts); playgroundEngine splits the playground's models between the two. Either way the
// engine is { ready, compute(request), loadCheckpoint(files, options), loadFromHub(hub, options), hubInfo(hub,
// options) }, with options { onProgress, signal } (a cancel
// rejects at once with an AbortError and stops the load where it runs). Requests run one after another; callers
// that want only their newest request wrap compute in latestOnly (analysis.mjs). loadCheckpoint makes the user's
// files the model named 'checkpoint'; loadFromHub makes a model from a hub the model named 'hf:<repo>@<commit>'
// (one at a time: the next one replaces it), and resolves to { config, hub, name }. importance(request, options)
// ranks the heads of the request's sentence (web/lib/importance.mjs): progress after each of its runs, a cancel
// stops it between two runs, and ordinary requests are answered between its runs (the page's newest-only rule
// keeps working while it runs). The worker side is serveRequests below; web/worker.mjs and the <attention-view>
// bundle run it.
import { createAnalyser, transferables } from './analysis.mjs';
import { abortError } from './hub-http.mjs';
import { hubModelName, parseHubModel } from './hub-names.mjs';
import { headImportance } from './importance.mjs';

const HUB_SLOT = 'hub';  // the analyser's name for the model from a hub; requests name it by hubModelName

// The engine itself, wherever it runs: the core, the analyser and the models loaded into it.
function engineCore(createAttention, options) {
  const core = createAttention(options);
  const analyser = core.then(createAnalyser);
  analyser.catch(() => {});  // (ready reports the core's failure; each request, its own)
  let hubModel = null;  // 'hf:<repo>@<commit>' of the model in the HUB_SLOT
  // The request with the analyser's name of its model.
  const inEngine = (request) => {
    const hub = parseHubModel(request.model);
    if (!hub) return request;
    if (request.model !== hubModel) throw new Error(`${hub.repo}: this model from the Hub is not open here; open it first`);
    return { ...request, model: HUB_SLOT };
  };
  return {
    core,
    ready: core.then((attn) => ({ simd: attn.simd, arch: attn.arch, threads: attn.threads })),
    compute: async (request) => (await analyser)(inEngine(request)),
    // message: { checkpoint: files, name } | { hub: { repo, endpoint, revision } } | { hubInfo: { repo, endpoint, revision } }
    // | { importance: request }
    async load(message, { onProgress, signal }) {
      if (message.importance) {
        const request = inEngine(message.importance);
        return headImportance(await (await analyser).model(request.model), request, { onProgress, signal });
      }
      const attn = await core;
      if (message.hubInfo) {
        const { repo, ...hubOptions } = message.hubInfo;
        return attn.hubInfo(repo, { ...hubOptions, signal });
      }
      if (message.checkpoint) {
        const model = await attn.loadCheckpoint(message.checkpoint, { onProgress, signal, name: message.name });
        await (await analyser).add('checkpoint', model);
        return { config: model.config };
      }
      const { repo, ...hubOptions } = message.hub;
      const model = await attn.loadFromHub(repo, { ...hubOptions, onProgress, signal });
      await (await analyser).add(HUB_SLOT, model);
      hubModel = hubModelName(model.hub.repo, model.hub.sha ?? model.hub.revision);
      return { config: model.config, hub: { ...model.hub }, name: hubModel };
    },
  };
}

// The engine's functions over `call(message, { onProgress, signal })`, the same in a worker and on the page.
const engineFunctions = (call) => ({
  compute: (request) => call({ request }),
  loadCheckpoint: (files, { name, ...options } = {}) => call({ checkpoint: [...files], name }, options),
  loadFromHub: (hub, options) => call({ hub }, options),
  hubInfo: (hub, options) => call({ hubInfo: hub }, options),
  importance: (request, options) => call({ importance: request }, options),
});

// workerOptions: { type: 'module' } for web/worker.mjs; {} for a classic script such as dist/attention-view.js.
export function startWorker(workerUrl, workerOptions = { type: 'module' }) {
  const worker = new Worker(workerUrl, workerOptions);
  const calls = new Map();
  let nextId = 1;
  const ready = new Promise((resolve, reject) => {
    const message = ({ data }) => {
      if (data.ready) return resolve(data.ready);
      if (data.failed) return reject(new Error(data.failed));
      const call = calls.get(data.id);
      if (!call) return;  // cancelled: the page has moved on
      if (data.progress) return call.onProgress?.(data.progress);
      calls.delete(data.id);
      if (data.error !== undefined) call.reject(Object.assign(new Error(data.error), { name: data.name ?? 'Error' }));
      else call.resolve(data.result);
    };
    const error = (event) => reject(new Error(event.message || 'the worker could not start'));
    worker.addEventListener('message', message);
    worker.addEventListener('error', error);
  });
  const call = (message, { onProgress, signal } = {}) => new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const id = nextId++;
    calls.set(id, { resolve, reject, onProgress });
    signal?.addEventListener('abort', () => {
      if (!calls.delete(id)) return;
      worker.postMessage({ cancel: id });  // the worker stops reading and frees what it held
      reject(abortError(signal));
    }, { once: true });
    worker.postMessage({ id, ...message });
  });
  return { ready, ...engineFunctions(call), terminate: () => worker.terminate() };
}

// A worker can start only over http(s) (browsers start none from file://), from a script of the page's own
// origin. workerUrl: null where there is no worker script (the one-file offline playground).
export const workerCanStart = (pageUrl, workerUrl) => typeof Worker === 'function' && workerUrl !== null
  && /^https?:$/.test(new URL(pageUrl).protocol) && new URL(workerUrl).origin === new URL(pageUrl).origin;

// A page's engine: the worker at workerUrl when it can start and does, otherwise (file://, a
// Content-Security-Policy without worker-src, a failed start) createAttention(options) on the page's thread.
// Resolves to { engine, simd, arch, where: 'in a worker' | 'on the page' }.
// local: the engine on the page to fall back on, if there is one already (else one is made).
export async function startEngine({ pageUrl, workerUrl, workerOptions, createAttention, options, local = null }) {
  if (workerCanStart(pageUrl, workerUrl)) {
    let worker;
    try {
      worker = startWorker(workerUrl, workerOptions);
      return { engine: worker, ...(await worker.ready), where: 'in a worker' };
    } catch {
      worker?.terminate();
    }
  }
  local ??= onThisThread(createAttention, options);
  return { engine: local, ...(await local.ready), where: 'on the page' };
}

// The playground's engine, split by model. The built-in models run on the page's own thread: a keystroke's
// request takes them a few ms, so its result is drawn in the keystroke's own frame (a worker's way there and
// back, behind the page's frame on the other core, cost 10-12 ms and the next frame), and the first picture
// waits for no worker to start. The user's and the Hub's models (seconds to load, 100 ms and more a run, whose
// threads need a worker) go to the worker, started when one is first needed; where none starts, they run on
// the page too. inWorker(model): whether the worker computes it; where(model): the ready info ({ simd, arch,
// threads, where }) of the engine that computes it, or null before that one has started.
export function playgroundEngine({ pageUrl, workerUrl, createAttention, options }) {
  const page = onThisThread(createAttention, options);
  let worker = null, workerInfo = null, pageInfo = null;
  const started = () => (worker ??= startEngine({ pageUrl, workerUrl, createAttention, options, local: page })
    .then((info) => { workerInfo = info; return info.engine; }));
  const inWorker = (model) => model === 'checkpoint' || parseHubModel(model) !== null;
  const engineFor = async (model) => (inWorker(model) ? started() : page);
  // The worker for a load that a cancel may stop while the worker still starts.
  const startedFor = (signal) => (signal ? Promise.race([started(), new Promise((resolve, reject) => {
    if (signal.aborted) reject(abortError(signal));
    signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
  })]) : started());
  return {
    ready: page.ready.then((ready) => (pageInfo = { ...ready, where: 'on the page' })),
    inWorker,
    where: (model) => (inWorker(model) ? workerInfo : pageInfo),
    compute: async (request) => (await engineFor(request.model)).compute(request),
    loadCheckpoint: async (files, options) => (await startedFor(options?.signal)).loadCheckpoint(files, options),
    loadFromHub: async (hub, options) => (await startedFor(options?.signal)).loadFromHub(hub, options),
    hubInfo: async (hub, options) => (await startedFor(options?.signal)).hubInfo(hub, options),
    importance: async (request, options) => (await engineFor(request.model)).importance(request, options),
  };
}

export function onThisThread(createAttention, options) {
  const engine = engineCore(createAttention, options);
  const call = (message, options = {}) => (message.request ? engine.compute(message.request) : engine.load(message, options));
  return { ready: engine.ready, ...engineFunctions(call) };
}

// The worker's side of startWorker's protocol. In: { id, request }, { id, checkpoint: files, name },
// { id, hub: { repo, endpoint, revision } }, { id, hubInfo: { … } }, { id, importance: request }, or
// { cancel: id } to stop that load or importance. Out: { ready: { simd, arch, threads } } or { failed: message } once,
// then { id, progress } while a model loads ({ loaded, total } bytes) or the importance runs ({ done, total }
// runs), and { id, result } or { id, error: message, name } per message.
export function serveRequests(scope, createAttention, options) {
  const engine = engineCore(createAttention, options);
  const loads = new Map();  // id -> AbortController of a load or importance under way
  engine.ready.then((ready) => scope.postMessage({ ready }), (error) => scope.postMessage({ failed: error.message }));
  scope.addEventListener('message', async ({ data: { id, request, cancel, ...load } }) => {
    if (cancel !== undefined) return loads.get(cancel)?.abort();
    try {
      if (request) {
        const received = performance.timeOrigin + performance.now();  // a clock the page shares (bench/page.mjs)
        const result = await engine.compute(request);
        result.timing = { received, posted: performance.timeOrigin + performance.now() };
        return scope.postMessage({ id, result }, transferables(result));
      }
      const controller = new AbortController();
      loads.set(id, controller);
      const onProgress = (progress) => scope.postMessage({ id, progress });
      scope.postMessage({ id, result: await engine.load(load, { onProgress, signal: controller.signal }) });
    } catch (error) {
      scope.postMessage({ id, error: error.message, name: error.name });
    } finally {
      loads.delete(id);
    }
  });
}

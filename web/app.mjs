// The playground page: one state object (web/controllers/page-state.mjs, kept in location.hash) drives every
// view. Small controllers around it: the inputs and the examples, the engine (the built-in models on this thread,
// the user's and the Hub's in a Web Worker, web/worker.mjs; the newest request only, so typing never waits), the
// views, your own model's files, models from the Hugging Face Hub, Share / embed, export, the head importance,
// and the service worker. Changing only the layer, head or token redraws from the last result without computing
// again (the steps then ask for the chosen head's path through W_O on their own). web/index.html loads it as one file with all it imports, dist/playground.mjs
// (tools/build/playground-bundles.mjs; the dev server makes it from the sources as they are).
import createAttention from './dist/attention.mjs';
import { bindControls } from './controllers/controls.mjs';
import { engineController } from './controllers/engine.mjs';
import { bindExamples } from './controllers/examples.mjs';
import { bindExport } from './controllers/export.mjs';
import { bindHub } from './controllers/hub.mjs';
import { bindImportance } from './controllers/importance.mjs';
import { modelLoads } from './controllers/model-loads.mjs';
import { bindModelPicker } from './controllers/model-picker.mjs';
import { pageState } from './controllers/page-state.mjs';
import { registerServiceWorker } from './controllers/service-worker.mjs';
import { bindShare } from './controllers/share.mjs';
import { say } from './controllers/status.mjs';
import { viewsController } from './controllers/views.mjs';
import { blankTextNote } from './lib/view-rules.mjs';

// The one-file offline playground has no import.meta.url: no worker, no service worker, no Hub (its CSP lets it
// connect nowhere), wherever it is opened from.
const served = Boolean(import.meta.url);
const engine = engineController({
  createAttention,
  // The worker's script is web/worker.mjs as the build makes it, one file with all it imports, with the page's
  // query: it reads ?simd=0 and ?threads=1, and the dev server gives it a CSP that allows ?hub='s mirror. (The
  // same address from web/app.mjs and from dist/playground.mjs.)
  workerUrl: served ? new URL(`../dist/playground-worker.mjs${location.search}`, import.meta.url) : null,
  simd: new URLSearchParams(location.search).get('simd') === '0' ? false : 'auto',
});
// First of all: the core's wasm and glue load and compile while the rest of the page sets itself up.
const started = engine.start();
const store = pageState(() => refresh());
const examples = bindExamples(store);
const views = viewsController(store, (state) => ({ link: store.linkNote, example: examples.note(state) }));
// The chosen head's trace is a whole run of the model (the prefix cache cannot give it), which would hold up the
// next keystroke's run: while the reader types, it is asked for once typing pauses this long.
const TYPING_PAUSE_MS = 400;
let lastKeystroke = -Infinity;
const controls = bindControls(store, { onKeystroke: (time) => { lastKeystroke = time; views.keystroke(time); } });
const loads = modelLoads();  // one model load at a time, the user's files or the Hub's
bindModelPicker(store, engine, loads);
const hub = bindHub(store, engine, loads, { available: served });
bindShare(store);
bindExport(store, engine);
const importance = bindImportance(store, engine);

async function refresh() {
  if (!store.state) return;  // the hash is still being read; reading it refreshes
  hub.sync(store.state);
  controls.show(store.state);
  if (!engine.started) return;  // start() refreshes once it has
  const { state } = store;
  importance.sync(state);
  if (!engine.has(state.model)) {
    return views.clear(state.model === 'checkpoint'
      ? 'Your own model is not loaded in this tab (its files are not part of the link): choose them with “Your own model…” below.'
      : hub.missing(state));
  }
  const blank = blankTextNote(state.text);
  if (blank) return views.clear(blank);
  views.computing(!engine.isShowing(state), !engine.isShowing(state) || !engine.hasPredictions());
  let result;
  try {
    result = await engine.resultFor(state, () => store.state);
  } catch (error) {
    views.computing(false);
    return say(`Could not compute: ${error.message}`, true);
  }
  if (result === null) return;  // a newer state is on its way
  store.fit(result);
  if (examples.apply(result)) return;  // it chose the example's head and token: that commit refreshes
  controls.showResult(result, store.state);
  views.render(result, engine.description(store.state.model), engine.cachedTrace(store.state));
  // The predictions and the chosen head's trace, asked for together: the engine answers them in turn.
  await Promise.all([predictions(store.state), trace(store.state)]);
}

// The last result's predictions for `state`, into the Predictions view once they arrive (the view says it is
// out of date until then).
async function predictions(state) {
  if (engine.hasPredictions()) return;
  try {
    const result = await engine.predictionsFor(state, () => store.state);
    if (result) views.showPredictions(result);
  } catch (error) {
    views.computing(false);
    say(`Could not compute the predictions: ${error.message}`, true);
  }
}

async function trace(state) {
  if (typeof state.head !== 'number' || engine.cachedTrace(state)) return;
  const typing = lastKeystroke + TYPING_PAUSE_MS - performance.now();
  if (typing > 0) {
    await new Promise((done) => setTimeout(done, typing));
    if (store.state !== state) return;  // typed on: the newer state asks in turn
  }
  try {
    const answer = await engine.traceFor(state, () => store.state);
    if (answer) views.showTrace(answer);
  } catch (error) {
    say(`Could not follow the head through W_O: ${error.message}`, true);
  }
}

const firstPicture = started.then(refresh, (error) => say(`The WebAssembly core could not load: ${error.message}`, true));
// The service worker's install downloads every file for offline use: once the first picture is drawn, so that it
// does not compete with the files that picture needs.
if (served) firstPicture.then(registerServiceWorker).catch((error) => console.warn(`offline use unavailable: ${error.message}`));

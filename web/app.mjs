// The playground page: one state object (web/lib/state.mjs, kept in location.hash) drives every view. The
// model runs in a Web Worker (web/worker.mjs), newest request only, so typing never waits; changing only the
// layer, head or token re-renders from the last result without computing again.
import createAttention from './dist/attention.mjs';
import { latestOnly } from './lib/analysis.mjs';
import { startEngine } from './lib/compute.mjs';
import { attentionSvg, fileStem } from './lib/export.mjs';
import { chosenWeights, display, shown } from './lib/selection.mjs';
import { shareSnippets } from './lib/share.mjs';
import { parseHash, toHash } from './lib/state.mjs';
import { attentionSteps } from './lib/steps.mjs';
import { aggregateChoices, computeRequest, firstTokenName, fitted } from './lib/view-rules.mjs';
import { writeWeights } from './lib/weights-format.mjs';
import { renderBeams } from './ui/beams.mjs';
import { download, svgToPng } from './ui/download.mjs';
import { renderHeadGrid } from './ui/head-grid.mjs';
import { renderHeatmap } from './ui/heatmap.mjs';
import { fillOptions } from './ui/options.mjs';
import { VIRIDIS_GRADIENT } from './lib/palette.mjs';
import { renderSteps } from './ui/steps.mjs';

const EXAMPLES = [
  { label: 'The cat sat on the mat', text: 'The cat sat on the mat because it was tired' },
  { label: 'bank: river or money? (compare)', text: 'The bank by the river was peaceful', compare: 'I deposited cash at the bank' },
  { label: 'What does “it” refer to?', text: 'The animal didn\'t cross the street because it was too tired' },
  { label: 'A longer passage', text: 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.' },
  { label: 'Japanese (CJK)', text: '猫がマットの上に座った' },
  { label: 'Arabic (right to left)', text: 'جلست القطة على السجادة' },
  { label: 'Emoji', text: 'I ❤️ my 🐈 and she ❤️ her 🐟' },
];

const $ = (id) => document.getElementById(id);
const controls = {
  text: $('sentence'), model: $('model'), layer: $('layer'), head: $('head'), mask: $('mask'),
  scaled: $('scaled'), temperature: $('temperature'), hideBos: $('hide-bos'), compare: $('compare'),
};
const status = $('status'), lengthNote = $('length-note'), examples = $('examples');
for (const bar of document.querySelectorAll('.colorbar-gradient')) bar.style.background = VIRIDIS_GRADIENT;
for (const [i, example] of EXAMPLES.entries()) examples.append(new Option(example.label, String(i)));

let state = parseHash(location.hash);
let engine, compute, build = '';
let checkpoint = null;  // the user's own model once loaded: { config, version }
let last = { key: null, result: null }, pending = { key: null, promise: null };
let keystroke = null;  // when the newest unpainted keystroke happened (performance.now() time base)

const computeKey = (s) => JSON.stringify([s.model, s.model === 'checkpoint' && checkpoint?.version, s.text, s.compare, s.mask, s.scaled, s.temperature]);

// The state into the controls (they may be out of step after Back or a permalink).
function showControls() {
  for (const name of ['text', 'compare', 'model', 'mask']) if (controls[name].value !== state[name]) controls[name].value = state[name];
  controls.scaled.checked = state.scaled;
  controls.hideBos.checked = state.hideBos;
  controls.temperature.value = String(state.temperature);
  $('temperature-value').textContent = state.temperature.toFixed(1);
}

function fromControls() {
  return {
    ...state,
    text: controls.text.value, compare: controls.compare.value, model: controls.model.value, mask: controls.mask.value,
    layer: Number(controls.layer.value), head: /^\d+$/.test(controls.head.value) ? Number(controls.head.value) : controls.head.value,
    scaled: controls.scaled.checked, temperature: Number(controls.temperature.value), hideBos: controls.hideBos.checked,
  };
}

// A new state: into the hash (a new history entry when `push`, so Back undoes it), then onto the page.
function commit(next, push) {
  state = next;
  const url = `${location.pathname}${location.search}${toHash(state)}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history[push ? 'pushState' : 'replaceState'](null, '', url);
  refresh();
}

async function refresh() {
  showControls();
  const unloaded = state.model === 'checkpoint' && !checkpoint;
  if (state.text.trim() === '' || unloaded) {
    for (const id of ['beams', 'matrix', 'steps', 'heads', 'compare-views']) $(id).replaceChildren();
    status.textContent = unloaded ? 'Your own model is not loaded in this tab (its files are not part of the link): choose them with “Your own model…” below.'
      : 'Type at least one word.';
    lengthNote.hidden = true;
    return;
  }
  const key = computeKey(state);
  if (last.key !== key) {
    if (pending.key !== key) pending = { key, promise: compute(computeRequest(state)) };
    let result;
    const asked = performance.now();
    try {
      result = await pending.promise;
      performance.measure('worker round trip', { start: asked, end: performance.now() });
    } catch (error) {
      status.textContent = `Could not compute: ${error.message}`;
      status.classList.add('error');
      return;
    }
    if (result === null || computeKey(state) !== key) return;  // a newer request is on its way
    last = { key, result };
  }
  status.classList.remove('error');
  const focused = document.activeElement?.dataset?.focus;
  render(last.result);
  if (focused) document.querySelector(`[data-focus="${focused}"]`)?.focus({ preventScroll: true });
  if (keystroke !== null) {
    performance.measure('keystroke to views rendered', { start: keystroke, end: performance.now() });
    const start = keystroke;
    requestAnimationFrame(() => performance.measure('keystroke to next frame', { start, end: performance.now() }));
    keystroke = null;
  }
}

// Runs one view's rendering under a performance measure ('render beams', ...), for bench/page.mjs.
function timed(name, render) {
  const start = performance.now();
  render();
  performance.measure(`render ${name}`, { start, end: performance.now() });
}

function render({ config, main, compare, cross, milliseconds }) {
  const { n } = main;
  // Clamp what a hand-edited link or a shorter text left out of range (the hash keeps it until the next change).
  Object.assign(state, fitted(state, { ...config, n }, state.hideBos ? 1 : 0));
  fillOptions(controls.layer, config.layers, state.layer);
  fillOptions(controls.head, config.heads, state.head, aggregateChoices(false));

  const causal = state.mask === 'trained' ? config.causal : state.mask === 'causal';
  const first = firstTokenName(main.tokens, main.special);
  $('hide-bos-label').textContent = `hide ${first}`;
  const [weights, title] = chosenWeights(main.attentions, config.heads, n, state);
  const view = shown(state, main.tokens, main.tokens, weights);
  const what = `${title}${state.hideBos ? `, ${first} hidden, rows rescaled` : ''}`;
  timed('beams', () => renderBeams($('beams'), {
    labels: view.rows, weights: view.weights, selected: state.token - view.offset, caption: what,
    onSelect: (i) => commit({ ...state, token: i + view.offset }, false),
  }));
  timed('heatmap', () => renderHeatmap($('matrix'), { ...view, caption: `${what}: attention weights of ${view.rows.length} tokens` }));
  timed('steps', () => renderStepsView(main, config, causal));
  timed('head grid', () => renderHeadGrid($('heads'), {
    layers: config.layers, heads: config.heads, n, attentions: main.attentions, summaries: main.summaries, selected: state, firstToken: first,
    onSelect: (layer, head) => commit({ ...state, layer, head }, true),
  }));
  timed('comparison', () => renderComparison(config, main, compare, cross));

  const mode = [state.mask !== 'trained' && `mask: ${state.mask}`, !state.scaled && 'not divided by √dk',
    state.temperature !== 1 && `temperature ${state.temperature}`].filter(Boolean);
  status.textContent = `${n} tokens · ${config.name}${mode.length ? ` (${mode.join(', ')})` : ''} · computed in ` +
    `${milliseconds.toFixed(1)} ms by the ${build}`;
  const cut = [main, compare].filter((s) => s?.truncated);
  lengthNote.hidden = cut.length === 0;
  lengthNote.textContent = cut.map((s) => {
    const specials = s.tokens.filter((_, i) => s.special[i]);
    return `The text has ${s.textTokens} tokens; the model reads at most ${config.maxLength - specials.length} ` +
      `besides ${specials.join(' and ')}, so the views show the first ${s.n - specials.length}.`;
  }).join(' ');
  $('matrix').dataset.ready = 'true';
}

// The four steps need one head: for the average or rollout, a note says so.
function renderStepsView(main, config, causal) {
  if (typeof state.head !== 'number') {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = 'The steps belong to one head: choose a head number to see them.';
    $('steps').replaceChildren(note);
    return;
  }
  const steps = attentionSteps(main, config, { ...state, causal });
  renderSteps($('steps'), { steps, labels: main.tokens.map(display), token: state.token, ...state });
}

function renderComparison(config, main, compare, cross) {
  const container = $('compare-views');
  if (!compare) {
    container.replaceChildren();
    return;
  }
  // Rollout has no meaning across two sentences: the aggregates show the layer's average in all three panels.
  const { layer, head } = fitted(state, { ...config, n: main.n, m: compare.n, cross: true });
  const perHead = (all, n, m) => chosenWeights(all, config.heads, n, { layer, head }, m)[0];
  const which = typeof head === 'number' ? `layer ${layer}, head ${head}` : `layer ${layer}, average of heads`;
  const panels = [
    ['First sentence', main.tokens, main.tokens, perHead(main.attentions, main.n, main.n)],
    ['Second sentence', compare.tokens, compare.tokens, perHead(compare.attentions, compare.n, compare.n)],
    ['Cross-attention: first → second', main.tokens, compare.tokens, perHead(cross, main.n, compare.n)],
  ].map(([title, rows, columns, weights]) => {
    const panel = document.createElement('div');
    panel.className = 'compare-panel';
    const heading = document.createElement('h3');
    heading.textContent = title;
    const body = document.createElement('div');
    renderHeatmap(body, { ...shown(state, rows, columns, weights), caption: `${title}, ${which}` });
    panel.append(heading, body);
    return panel;
  });
  container.replaceChildren(...panels);
}

// Typing replaces the current history entry; any other change adds one.
controls.text.addEventListener('input', (event) => { keystroke = event.timeStamp; commit(fromControls(), false); });
controls.compare.addEventListener('input', () => commit(fromControls(), false));
controls.temperature.addEventListener('input', () => commit(fromControls(), false));
for (const name of ['model', 'layer', 'head', 'mask', 'scaled', 'hideBos']) {
  controls[name].addEventListener('change', () => commit(fromControls(), true));
}
examples.addEventListener('change', () => {
  const example = EXAMPLES[Number(examples.value)];
  examples.value = '';
  if (example) commit({ ...state, text: example.text, compare: example.compare ?? '', token: 1 }, true);
});
window.addEventListener('popstate', () => { state = parseHash(location.hash); refresh(); });

// Your own model: a Hugging Face checkpoint's files, chosen or dropped (files or their folder), loaded by the
// engine (in its worker) tensor by tensor with a progress bar; it becomes the model 'checkpoint'.
const megabytes = (bytes) => (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0);
async function loadCheckpoint(files) {
  const progress = $('checkpoint-progress'), note = $('checkpoint-status');
  if (files.length === 0) return;
  note.classList.toggle('error', !engine);
  if (!engine) {
    note.textContent = 'The WebAssembly core is still loading: choose the files again in a moment.';
    return;
  }
  note.textContent = `Reading ${files.length} file${files.length === 1 ? '' : 's'}…`;
  progress.removeAttribute('value');
  progress.hidden = false;
  try {
    const { config } = await engine.loadCheckpoint(files, ({ loaded, total }) => {
      progress.max = total;
      progress.value = loaded;
      note.textContent = `Reading model.safetensors: ${megabytes(loaded)} of ${megabytes(total)} MB`;
    });
    checkpoint = { config, version: (checkpoint?.version ?? 0) + 1 };
    const option = controls.model.querySelector('option[value="checkpoint"]');
    option.disabled = false;
    option.textContent = `your own model: ${config.name}`;
    note.textContent = `Loaded ${config.name}: ${config.layers} layers × ${config.heads} heads, dModel ${config.dModel}` +
      `${config.causal ? ', causal' : ''}, up to ${config.maxLength} tokens.`;
    commit({ ...state, model: 'checkpoint', layer: 0, head: 0 }, true);
  } catch (error) {
    note.textContent = `Could not load your model: ${error.message}`;
    note.classList.add('error');
  } finally {
    progress.hidden = true;
  }
}
const picker = $('checkpoint-files');
$('checkpoint-open').addEventListener('click', () => picker.click());
picker.addEventListener('change', () => { loadCheckpoint([...picker.files]); picker.value = ''; });

// Dropped files, or the files of a dropped folder (one level: a checkpoint's folder).
async function droppedFiles(entries, files) {
  if (!entries.some((entry) => entry?.isDirectory)) return files;
  const out = [];
  const fileOf = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));
  for (const entry of entries) {
    if (entry?.isFile) out.push(await fileOf(entry));
    if (!entry?.isDirectory) continue;
    const reader = entry.createReader();
    for (let batch; (batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject))).length;) {
      for (const child of batch) if (child.isFile) out.push(await fileOf(child));
    }
  }
  return out;
}
const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
document.addEventListener('dragover', (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  document.body.classList.add('dropping');
});
document.addEventListener('dragleave', (event) => { if (!event.relatedTarget) document.body.classList.remove('dropping'); });
document.addEventListener('drop', (event) => {
  document.body.classList.remove('dropping');
  if (!hasFiles(event)) return;
  event.preventDefault();
  const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry?.());  // only now, in the event
  droppedFiles(entries, [...event.dataTransfer.files]).then(loadCheckpoint);
});

// Share / embed: the dialog's snippets follow the state and the chosen embed view.
const share = $('share');
function fillShare() {
  const snippets = shareSnippets({ ...state, view: $('share-view').value }, new URL('./', location.href).href);
  $('share-permalink').value = snippets.permalink;
  $('share-iframe').value = snippets.iframe;
  $('share-element').value = snippets.element;
  $('share-oembed').href = snippets.oembed;
  $('share-copied').textContent = '';
}
$('share-open').addEventListener('click', () => { fillShare(); share.showModal(); });
$('share-open').hidden = location.protocol === 'file:';  // the snippets would point into this computer's files
$('share-view').addEventListener('change', fillShare);
for (const button of share.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const field = $(button.dataset.copy);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      $('share-copied').textContent = 'Copied.';
    } catch {
      $('share-copied').textContent = 'Selected: press Ctrl+C (⌘C) to copy.';  // no clipboard permission
    }
  });
}

// Exports of the chosen head (or aggregate) as the views show it: SVG, PNG (the SVG rasterised), and JSON with
// every layer and head (web/lib/weights-format.mjs, which <attention-view>'s render() reads back).
async function exportView(kind) {
  if (!last.result) return;
  const { config, main } = last.result;
  const [weights, title] = chosenWeights(main.attentions, config.heads, main.n, state);
  const view = shown(state, main.tokens, main.tokens, weights);
  const stem = fileStem(state.text, state);
  if (kind === 'json') {
    const json = writeWeights({
      tokens: main.tokens, layers: config.layers, heads: config.heads, attentions: main.attentions,
      title: `${config.name} on “${state.text}”`, model: config, state,
    });
    return download(new Blob([JSON.stringify(json)], { type: 'application/json' }), `${stem}.json`);
  }
  const svg = attentionSvg({ ...view, title: `${config.name}: ${title}`, selected: Math.max(0, state.token - view.offset) });
  if (kind === 'svg') return download(new Blob([svg], { type: 'image/svg+xml' }), `${stem}.svg`);
  return download(await svgToPng(svg), `${stem}.png`);
}
for (const button of document.querySelectorAll('[data-export]')) {
  button.addEventListener('click', () => exportView(button.dataset.export).catch((error) => {
    status.textContent = `Could not export: ${error.message}`;
    status.classList.add('error');
  }));
}

// Offline use after the first visit (web/sw.js). A new version waits until the reader chooses to reload.
async function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
  const registration = await navigator.serviceWorker.register('sw.js');
  const offer = (worker) => {
    $('update').hidden = false;
    $('update-reload').onclick = () => worker.postMessage('skip-waiting');
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!$('update').hidden && !reloading) { reloading = true; location.reload(); }
  });
}

// The worker (it reads ?simd=0 from its own URL); the offline file has no import.meta.url and no worker.
async function start() {
  const simd = new URLSearchParams(location.search).get('simd') === '0' ? false : 'auto';
  const workerUrl = import.meta.url ? new URL(`./worker.mjs${location.search}`, import.meta.url) : null;
  const started = await startEngine({ pageUrl: location.href, workerUrl, createAttention, options: { simd } });
  engine = started.engine;
  build = `${started.simd ? 'SIMD' : 'scalar'} WebAssembly build ${started.where}`;
  compute = latestOnly(engine.compute);
  await refresh();
}

registerServiceWorker().catch((error) => console.warn(`offline use unavailable: ${error.message}`));
start().catch((error) => {
  status.textContent = `The WebAssembly core could not load: ${error.message}`;
  status.classList.add('error');
});

// The <attention-view> element, bundled by tools/build/bundle.mjs into one classic script, dist/attention-view.js,
// with the SIMD wasm build and the built-in bidirectional model inside, so that a blog needs one script tag:
//
//   <script src="attention-view.js"></script>
//   <attention-view sentence="The cat sat on the mat" layer="0" head="2" view="beams">fallback text</attention-view>
//
// Attributes: sentence, model ('builtin' | 'builtin-causal' | 'builtin-lens', or 'hf:<repo>[@<revision>]' for a
// model from the Hugging Face Hub, and hub="<endpoint>" for a mirror: web/element-hub.mjs), layer, head (a number,
// 'average' or 'rollout'), token (the query shown by the beams), view ('beams' | 'matrix' | 'heads' | 'compare'),
// compare (a second sentence: the comparison and cross-attention), mask ('trained' | 'causal' | 'none'; causal,
// present, is mask="causal"), scaled="off" (no division by √d_k), temperature, hide-bos (present: the special
// tokens hidden), ablate ('0.1 2.3': those heads switched off, zero ablation; the heads view has a switch on each
// head), height (a CSS length; the view scrolls inside), editable (a text box for the sentence),
// controls="none" (no layer/head/view choosers), theme ('light' | 'dark'; default: the reader's preference).
// The children are the fallback shown when scripts are off.
// AttentionView.render(element, data, options) shows precomputed weights (web/lib/weights-format.mjs) instead.
//
// Every element on a page shares one engine: this same script started as a Web Worker (over http, same
// origin), or the core on the page's thread (file://, or when the worker cannot start). The other built-in
// models are not inside: they load on demand from attention-view.<model>.js beside this script. Defaults,
// clamping and the engine's start are the playground page's (web/lib/view-rules.mjs, web/lib/compute.mjs).
import builtinModel from '@models/builtin-bidirectional.attn';
import { headsIn, toggleHead } from './lib/ablation.mjs';
import { latestOnly } from './lib/analysis.mjs';
import { headSummaries } from './lib/head-patterns.mjs';
import { chosenWeights, comparisonPanels, everyHead, hiddenNames, shown, shownTokens } from './lib/selection.mjs';
import { createAttentionFrom } from './lib/attention.inlined.mjs';
import { simdBuild } from './lib/inlined-builds.mjs';
import { serveRequests, startEngine } from './lib/compute.mjs';
import { STATE_ATTRIBUTES, aggregateChoices, blankTextNote, computeRequest, elementSettings, firstTokenName, fitted, whatIfs } from './lib/view-rules.mjs';
import { readWeights } from './lib/weights-format.mjs';
import { elementHub } from './element-hub.mjs';
import { renderBeams } from './ui/beams.mjs';
import { renderComparison } from './ui/comparison.mjs';
import { renderHeadGrid } from './ui/head-grid.mjs';
import { renderHeatmap } from './ui/heatmap.mjs';
import { fillOptions } from './ui/options.mjs';
import { VIRIDIS_GRADIENT } from './lib/palette.mjs';
import viewsCss from './ui/views.css';
import elementCss from './attention-view.css';

const inWorker = typeof document === 'undefined';
const scriptUrl = inWorker ? self.location.href : document.currentScript?.src || location.href;

// A classic script beside this one (a script tag loads from file:// where fetch cannot), which stores what it
// holds in globalThis under `key`; what: how the error names it. When it is missing, the error says which file
// and where it must be, not the browser's raw loading error.
async function loadBeside(file, what, key) {
  const url = new URL(file, scriptUrl).href;
  const missing = () => new Error(`${what} is in ${file}, which could not be loaded from ${url}: `
    + `copy ${file} (from the project's dist/ folder) beside attention-view.js.`);
  if (inWorker) {
    try {
      importScripts(url);
    } catch {
      throw missing();
    }
  } else {
    await new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement('script'), { src: url });
      script.addEventListener('load', resolve);
      script.addEventListener('error', () => reject(missing()));
      document.head.append(script);
    });
  }
  const value = globalThis.attentionView?.[key];
  if (value === undefined) throw new Error(`${url} did not define ${what}: is ${file} the one built with this attention-view.js?`);
  return value;
}

// A built-in model's bytes: the bidirectional one is in this file, the others in attention-view.<name>.js.
async function readModel(name) {
  if (name === 'builtin-bidirectional') return builtinModel;
  const base64 = await loadBeside(`attention-view.${name}.js`, `The model '${name}'`, name);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
// The SIMD build is in this file; the scalar one, for browsers without WebAssembly SIMD, beside it.
let scalarBuild = null;
const builds = {
  simd: async () => simdBuild,
  scalar: async () => (scalarBuild ??= loadBeside('attention-view.scalar.js', 'The build for browsers without WebAssembly SIMD', 'scalar')),
};
const createAttention = createAttentionFrom(builds, readModel);

// The one engine of this page, started by the first element that needs it; this script is its worker.
let engine = null;
const sharedEngine = () => (engine ??= startEngine({ pageUrl: location.href, workerUrl: scriptUrl, workerOptions: {}, createAttention, options: {} }));

const VIEWS = { beams: 'token beams', matrix: 'weights matrix', heads: 'every head', compare: 'comparison' };
const sheets = () => [viewsCss, elementCss].map((css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
});

const element = (tag, properties = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
};

// (In the worker there is no HTMLElement; the class is defined but never used there.)
class AttentionView extends (globalThis.HTMLElement ?? Object) {
  static observedAttributes = [...Object.values(STATE_ATTRIBUTES), 'causal', 'height', 'editable', 'controls', 'hub'];
  #parts;
  // What is shown: { tokens, keyTokens, special?, n, m, layers, heads, attentions, summaries, labels, title,
  // where?, result? (when computed here: the whole result, whose second sentence the comparison view shows) }.
  #data = null;
  #given = false;     // the data came from render(), not from the model
  #computed = { key: null, compute: null };
  #scheduled = false;
  #hub = null;        // the model from the Hub, when model="hf:…" (web/element-hub.mjs)

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = sheets();
    const select = (label) => {
      const control = element('select');
      return [element('label', {}, `${label} `, control), control];
    };
    const [layerLabel, layer] = select('Layer'), [headLabel, head] = select('Head'), [viewLabel, viewChoice] = select('View');
    fillOptions(viewChoice, 0, null, Object.entries(VIEWS));
    const sentence = element('input', { type: 'text', className: 'sentence', spellcheck: false, autocomplete: 'off', dir: 'auto' });
    sentence.setAttribute('aria-label', 'Sentence');
    this.#parts = {
      sentence, layer, head, viewChoice,
      bar: element('div', { className: 'bar' }, layerLabel, headLabel, viewLabel),
      view: element('div', { className: 'view' }),
      status: element('p', { className: 'status', role: 'status' }),
    };
    root.append(element('div', { className: 'frame' }, sentence, this.#parts.bar, this.#parts.view, this.#parts.status));
    sentence.addEventListener('input', () => this.#change({ sentence: sentence.value }));
    layer.addEventListener('change', () => this.#change({ layer: layer.value }));
    head.addEventListener('change', () => this.#change({ head: head.value }));
    viewChoice.addEventListener('change', () => this.#change({ view: viewChoice.value }));
  }

  connectedCallback() { this.#schedule(); }
  attributeChangedCallback() { this.#schedule(); }

  /** Shows precomputed weights in the documented JSON format (an object or its text) instead of a model's. */
  set data(json) {
    const data = readWeights(json);
    // The head grid names each head by its summary; only self-attention's square weights have one.
    data.summaries = data.n === data.m ? headSummaries(data.attentions, data.layers, data.heads, data.n) : null;
    this.#data = data;
    this.#given = true;
    this.#schedule();
  }
  get data() { return this.#data; }

  // A choice made inside the element: into its attributes (which re-render it), and told to the page.
  #change(attributes) {
    for (const [name, value] of Object.entries(attributes)) this.setAttribute(name, value);
    this.dispatchEvent(new CustomEvent('attention-view-change', { bubbles: true, composed: true, detail: this.settings }));
  }

  /** The element's current settings, as its attributes say them. */
  get settings() { return elementSettings((name) => this.getAttribute(name)); }

  // Attribute changes arrive one by one: render once after the last of them.
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) this.#update().catch((error) => this.#say(error.message, true));
    });
  }

  #say(text, isError = false) {
    this.#parts.status.textContent = text;
    this.#parts.status.classList.toggle('error', isError);
  }

  async #update() {
    const settings = this.settings, { sentence, bar } = this.#parts;
    const height = this.getAttribute('height');
    if (height) this.style.setProperty('--attention-view-height', height);
    else this.style.removeProperty('--attention-view-height');
    sentence.hidden = !this.hasAttribute('editable') || this.#given;
    if (sentence.value !== settings.sentence) sentence.value = settings.sentence;
    bar.hidden = this.getAttribute('controls') === 'none';
    if (!this.#given) await this.#compute(settings);
    if (this.#data) this.#paint();
  }

  // Runs the model on the sentence (only when the sentence, the second sentence, the model or a what-if changed).
  async #compute(settings) {
    const blank = blankTextNote(settings.sentence);
    if (blank) {
      this.#data = null;
      this.#parts.view.replaceChildren();
      return this.#say(blank);
    }
    this.#hub ??= elementHub({ view: this.#parts.view, say: (text, isError) => this.#say(text, isError),
      engine: async () => (await sharedEngine()).engine, rerender: () => this.#schedule() });
    const { model } = settings;
    const engineModel = model.startsWith('hf:') ? await this.#hub.model(model, this.getAttribute('hub')) : model;
    if (engineModel === null) {  // the reader is asked first, in the view
      this.#data = null;
      this.#computed.key = null;
      return;
    }
    const request = computeRequest({ ...settings, model: engineModel, text: settings.sentence });
    const key = JSON.stringify(request);
    if (this.#computed.key === key) return;
    if (!this.#data) this.#say('Loading the attention model…');
    this.#parts.view.setAttribute('aria-busy', 'true');  // dimmed: older than the sentence
    const { engine: { compute }, where } = await sharedEngine();
    this.#computed.compute ??= latestOnly(compute);  // this element's newest request only
    const result = await this.#computed.compute(request);
    if (result === null) return;  // a newer request replaced this one
    const { config, main } = result;
    this.#computed.key = key;
    const changes = whatIfs(settings);
    this.#data = {
      tokens: main.tokens, keyTokens: main.tokens, special: main.special, n: main.n, m: main.n, layers: config.layers, heads: config.heads,
      attentions: main.attentions, summaries: main.summaries, labels: { layers: null, heads: null },
      title: `${config.name}${changes.length ? ` (${changes.join(', ')})` : ''}`, where, result,
    };
  }

  #paint() {
    const data = this.#data, settings = this.settings, { layer: layerSelect, head: headSelect, viewChoice } = this.#parts;
    const { n, m, layers, heads } = data;
    const cross = n !== m, comparison = data.result?.compare ? comparisonPanels(data.result, settings) : null;
    const rowSide = { tokens: data.tokens, special: data.special }, columnSide = { tokens: data.keyTokens, special: cross ? null : data.special };
    const { layer, head, token, view } = fitted(settings, { ...data, compared: Boolean(comparison) }, shownTokens(n, data.special ?? null, settings.hideBos));
    fillOptions(layerSelect, layers, layer, [], data.labels.layers);
    fillOptions(headSelect, heads, head, aggregateChoices(cross), data.labels.heads);
    fillOptions(viewChoice, 0, view, Object.entries(VIEWS).filter(([name]) => name !== 'compare' || comparison));
    viewChoice.disabled = cross;

    const [weights, which] = chosenWeights(data.attentions, heads, n, { layer, head }, m);
    const matrix = shown(settings, rowSide, columnSide, weights);
    const selected = matrix.rowIndex.indexOf(token);
    const name = (list, i, word) => list?.[i] ?? `${word} ${i}`;
    const hidden = hiddenNames(rowSide, settings.hideBos);
    const title = `${typeof head === 'number' ? `${name(data.labels.layers, layer, 'Layer')}, ${name(data.labels.heads, head, 'head')}` : which}`
      + `${hidden ? `, ${hidden} hidden, rows rescaled` : ''}`;
    const caption = data.title ? `${data.title}: ${title}` : title;
    const container = this.#parts.view, root = this.shadowRoot;
    const focused = root.activeElement?.dataset?.focus;  // a redraw replaces the focused element
    const choose = (i) => this.#change({ token: String(matrix.rowIndex[i]) });
    if (view === 'beams') {
      renderBeams(container, { labels: matrix.rows, weights: matrix.weights, selected, caption, onSelect: choose });
    } else if (view === 'matrix') {
      renderHeatmap(container, { ...matrix, caption, selected, onSelect: cross ? null : choose, focusName: 'heatmap' });
      const gradient = element('span', { className: 'colorbar-gradient' });
      gradient.style.setProperty('background', VIRIDIS_GRADIENT);
      // The heatmap keeps its figure from one redraw to the next (web/ui/children.mjs): the bar goes beside it once.
      if (!container.querySelector(':scope > .colorbar')) container.append(element('div', { className: 'colorbar' }, element('span', {}, '0'), gradient, element('span', {}, '1')));
    } else if (view === 'compare') {
      if (!container.querySelector(':scope > .compare')) container.replaceChildren(element('div', { className: 'compare' }));
      renderComparison(container.firstChild, comparison, { token, onSelect: (i) => this.#change({ token: String(i) }) });
    } else {
      // Weights given to render() come from no model here: no head to switch off.
      const computed = data.result ?? null;
      renderHeadGrid(container, {
        layers, heads, ...everyHead({ config: data, main: data }, settings), summaries: data.summaries,
        selected: { layer, head }, firstToken: firstTokenName(data.tokens, data.special),
        onSelect: (l, h) => this.#change({ layer: String(l), head: String(h), view: 'matrix' }),
        off: new Set(headsIn(computed?.ablated ?? '', data).map(([l, h]) => l * heads + h)),
        onToggle: computed && ((l, h) => this.#change({ ablate: toggleHead(settings.ablate, l, h) })),
      });
    }
    if (focused) root.querySelector(`[data-focus="${focused}"]`)?.focus({ preventScroll: true });
    container.removeAttribute('aria-busy');
    this.dataset.ready = 'true';
    this.#say(`${n} tokens · ${caption}${data.where ? ` · computed ${data.where}` : ''}`);
  }
}

/** Shows `data` (weights in the documented JSON format) in `target`: an <attention-view>, or any element, which
 *  then gets one as its last child. options: attributes such as { layer, head, view, token, height }. */
export function render(target, data, options = {}) {
  const view = target instanceof AttentionView ? target
    : target.querySelector(':scope > attention-view') ?? target.appendChild(document.createElement('attention-view'));
  for (const [name, value] of Object.entries(options)) view.setAttribute(name, String(value));
  view.data = data;
  return view;
}

if (inWorker) {
  serveRequests(self, createAttention, {});
} else {
  if (!customElements.get('attention-view')) customElements.define('attention-view', AttentionView);
  globalThis.AttentionView ??= { render, readWeights };
}

// The playground's views of one result, drawn by web/ui: token beams, the heatmap, the predictions (with the
// Mask button), the steps, every head (with their switches) and the comparison, then the status line and the
// notes (a text cut to the model's length, what a link cannot keep, what an example shows). Each view's drawing
// is timed (performance.measure 'render beams', …), and so is a keystroke until every view shows it, for
// bench/page.mjs.
import { headsIn, headsOffText, isOff } from '../lib/ablation.mjs';
import { maskSpan, unmaskAt } from '../lib/masking.mjs';
import { maskAction } from '../lib/prediction-text.mjs';
import { chosenView, comparisonPanels, everyHead, hiddenNames, shownTokens } from '../lib/selection.mjs';
import { attentionSteps, residualStep } from '../lib/steps.mjs';
import { display, firstTokenName, whatIfs } from '../lib/view-rules.mjs';
import { VIRIDIS_GRADIENT } from '../lib/palette.mjs';
import { renderBeams } from '../ui/beams.mjs';
import { renderComparison } from '../ui/comparison.mjs';
import { renderHeadGrid } from '../ui/head-grid.mjs';
import { renderHeatmap } from '../ui/heatmap.mjs';
import { renderPredictions } from '../ui/predictions.mjs';
import { renderSteps } from '../ui/steps.mjs';
import { bindAblation } from './ablation.mjs';
import { afterFirstFrame } from './after-frame.mjs';
import { exportSteps } from './export.mjs';
import { computing, say } from './status.mjs';

const $ = (id) => document.getElementById(id);

function timed(name, render) {
  const start = performance.now();
  render();
  performance.measure(`render ${name}`, { start, end: performance.now() });
}

// Why a sentence shows only its first tokens: the model's length, less the special tokens it adds.
const lengthNote = ({ config, main, compare }) => [main, compare].filter((s) => s?.truncated).map((s) => {
  const specials = s.tokens.filter((_, i) => s.special[i]);
  return `The text has ${s.textTokens} tokens; the model reads at most ${config.maxLength - specials.length} ` +
    `besides ${specials.join(' and ')}, so the views show the first ${s.n - specials.length}.`;
}).join(' ');

const showNote = (id, text) => {
  $(id).textContent = text ?? '';
  $(id).hidden = !text;
};

// Choosing a head in the grid, far below the views it changes: bring those views into sight, and mark them.
function pointAtViews() {
  const pair = document.querySelector('.pair');
  const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
  pair.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
  pair.classList.remove('just-changed');
  void pair.offsetWidth;  // restart the highlight's animation
  pair.classList.add('just-changed');
}

// store: the page state; notes(state): { link, example } notes to show.
export function viewsController(store, notes) {
  for (const bar of document.querySelectorAll('.colorbar-gradient')) bar.style.background = VIRIDIS_GRADIENT;
  let keystroke = null;  // when the newest keystroke not yet shown happened (performance.now()'s time base)
  let shown = null;  // the result on the page, for the steps' step 5 when its trace arrives
  let shownTrace = null;  // the chosen head's trace for it, once there
  // What of the shown result is drawn: the views below the fold (drawn after the first frame of a new result)
  // and its predictions (which come after the rest of it). #matrix's data-ready says that every view is drawn
  // (but for the head grid's thumbnails while it is out of view: web/ui/head-grid.mjs paints them once typing pauses).
  let drawn = { below: true, predictions: true };
  const markReady = () => { if (drawn.below && drawn.predictions) $('matrix').dataset.ready = 'true'; };
  const refocus = (focused) => { if (focused) document.querySelector(`[data-focus="${focused}"]`)?.focus({ preventScroll: true }); };
  const ablation = bindAblation(store);

  // The chosen token's predictions, and its Mask (or Unmask) button: a new text and `masked`, as a new history
  // entry — unless the text has changed since this result (its offsets would no longer fit).
  function drawPredictions(result, state, labels) {
    const { config } = result, action = maskAction(result, state.token, state);
    const apply = (change) => {
      if (store.state.text !== state.text || !change) return;
      store.commit({ ...store.state, ...change }, true);
    };
    const mask = action && (action.kind === 'mask'
      ? { label: `Mask “${labels[state.token]}”`, onClick: () => apply(maskSpan(state.text, state.masked, action.span, config.maskToken)) }
      : { label: `Unmask: put “${display(action.word)}” back`, onClick: () => apply(unmaskAt(state.text, state.masked, action.offset, config.maskToken)) });
    renderPredictions($('predictions'), { result, token: state.token, labels, mask, headsOff: headsOffText(result.ablated, config) });
  }

  // The steps of the chosen head and token (for the average or rollout, a note), with step 5 when `trace` is
  // there (null: it is being computed).
  function drawSteps(result, state, trace) {
    const container = $('steps');
    if (typeof state.head !== 'number') {
      const note = Object.assign(document.createElement('p'), { className: 'note', textContent: 'The steps belong to one head: choose a head number to see them.' });
      return container.replaceChildren(note);
    }
    const { config, main } = result;
    const causal = state.mask === 'trained' ? config.causal : state.mask === 'causal';
    const steps = attentionSteps(main, config, { ...state, causal }, shownTokens(main.n, main.special, state.hideBos));
    const labels = main.tokens.map(display);
    const residual = trace && residualStep(trace, config, state.token, steps.output);
    const exported = { steps, labels, token: state.token, config, state, residual };
    renderSteps(container, {
      ...exported, ...state, hidden: hiddenNames(main, state.hideBos), off: isOff(result.ablated, state.layer, state.head),
      onExport: (kind) => exportSteps(kind, exported),
    });
  }

  return {
    keystroke(time) { keystroke = time; },

    // The views show a result older than the text while a newer one is computed (or not).
    computing,

    // No result to show: the views emptied, and why.
    clear(message) {
      for (const id of ['beams', 'matrix', 'predictions', 'steps', 'heads', 'compare-views']) $(id).replaceChildren();
      ablation.clear();
      computing(false);
      say(message);
      showNote('length-note', null);
      shown = null;
    },

    // build: where and how the result was computed ('SIMD WebAssembly build on the page'); trace: the chosen
    // head's, if already computed.
    render(result, build, trace) {
      const { state } = store, { config, main, milliseconds } = result;
      shown = result;
      shownTrace = trace;
      const focused = document.activeElement?.dataset?.focus;  // a re-render replaces the focused button
      const first = firstTokenName(main.tokens, main.special);
      const view = chosenView(result, state);
      const hidden = hiddenNames(main, state.hideBos);
      const what = `${view.title}${hidden ? `, ${hidden} hidden, rows rescaled` : ''}`;
      const choose = (i) => store.commit({ ...store.state, token: view.rowIndex[i] }, false);
      timed('beams', () => renderBeams($('beams'), { labels: view.rows, weights: view.weights, selected: view.selected, caption: what, onSelect: choose }));
      timed('heatmap', () => renderHeatmap($('matrix'), {
        ...view, caption: `${what}: attention weights of ${view.rows.length} tokens`, onSelect: choose, focusName: 'heatmap',
      }));
      const labels = main.tokens.map(display);
      // A new result (a keystroke, a what-if) has no predictions yet: they follow (showPredictions), and the views
      // below the fold are drawn once the frame with the ones above has been (a redraw of the same result, for
      // another token or head, draws everything at once).
      const complete = Boolean(main.predictions || main.noPredictions);
      drawn = { below: false, predictions: complete };
      if (complete) timed('predictions', () => drawPredictions(result, state, labels));
      const below = () => {
        if (shown !== result || drawn.below) return;
        const now = store.state;
        timed('steps', () => drawSteps(result, now, shownTrace));
        timed('head grid', () => renderHeadGrid($('heads'), {
          layers: config.layers, heads: config.heads, ...everyHead(result, now), summaries: main.summaries, selected: now, firstToken: first,
          onSelect: (layer, head) => {
            store.commit({ ...store.state, layer, head }, true);
            pointAtViews();
          },
          off: new Set(headsIn(result.ablated, config).map(([l, h]) => l * config.heads + h)), onToggle: ablation.toggle,
        }));
        ablation.show(result, now, labels);
        timed('comparison', () => renderComparison($('compare-views'), comparisonPanels(result, now), {
          token: now.token, onSelect: (token) => store.commit({ ...store.state, token }, false),
        }));
        drawn.below = true;
        markReady();
      };
      if (complete) below();
      else afterFirstFrame(() => { below(); refocus(focused); });

      const mode = whatIfs(state);
      say(`${main.n} tokens · ${config.name}${mode.length ? ` (${mode.join(', ')})` : ''} · computed in ` +
        `${milliseconds.toFixed(1)} ms by the ${build}`, false, `${main.n} tokens, ${config.name}${mode.length ? `, ${mode.join(', ')}` : ''}: ${what}.`);
      computing(false, !complete);
      const { link, example } = notes(state);
      showNote('length-note', lengthNote(result));
      showNote('link-note', link);
      showNote('example-note', example);
      markReady();

      refocus(focused);
      if (keystroke !== null) {
        const start = keystroke;
        performance.measure('keystroke to views rendered', { start, end: performance.now() });
        requestAnimationFrame(() => performance.measure('keystroke to next frame', { start, end: performance.now() }));
        keystroke = null;
      }
    },

    // The predictions of the result shown have arrived: the Predictions view, and what the heads switched off
    // changed there.
    showPredictions(result) {
      if (result !== shown) return;
      const labels = result.main.tokens.map(display);
      timed('predictions', () => drawPredictions(result, store.state, labels));
      ablation.show(result, store.state, labels);
      computing(false, false);
      drawn.predictions = true;
      markReady();
    },

    // The chosen head's trace has arrived for the state the page shows: the steps again, with step 5.
    showTrace(trace) {
      shownTrace = trace;
      if (shown && drawn.below) drawSteps(shown, store.state, trace);
    },
  };
}

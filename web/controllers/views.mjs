// The playground's views of one result, drawn by web/ui: token beams, the heatmap, the four steps, every head
// and the comparison, then the status line and the note on a text cut to the model's length. Each view's
// drawing is timed (performance.measure 'render beams', …), and so is a keystroke until every view shows it,
// for bench/page.mjs.
import { chosenView, display } from '../lib/selection.mjs';
import { attentionSteps } from '../lib/steps.mjs';
import { firstTokenName } from '../lib/view-rules.mjs';
import { VIRIDIS_GRADIENT } from '../lib/palette.mjs';
import { renderBeams } from '../ui/beams.mjs';
import { renderHeadGrid } from '../ui/head-grid.mjs';
import { renderHeatmap } from '../ui/heatmap.mjs';
import { renderSteps } from '../ui/steps.mjs';
import { renderComparison } from './comparison.mjs';
import { say } from './status.mjs';

const $ = (id) => document.getElementById(id);

function timed(name, render) {
  const start = performance.now();
  render();
  performance.measure(`render ${name}`, { start, end: performance.now() });
}

// The four steps belong to one head: for the average or rollout, a note says so.
function renderStepsView(container, { config, main }, state) {
  if (typeof state.head !== 'number') {
    const note = Object.assign(document.createElement('p'), { className: 'note', textContent: 'The steps belong to one head: choose a head number to see them.' });
    container.replaceChildren(note);
    return;
  }
  const causal = state.mask === 'trained' ? config.causal : state.mask === 'causal';
  const steps = attentionSteps(main, config, { ...state, causal });
  renderSteps(container, { steps, labels: main.tokens.map(display), token: state.token, ...state });
}

// Why a sentence shows only its first tokens: the model's length, less the special tokens it adds.
const lengthNote = ({ config, main, compare }) => [main, compare].filter((s) => s?.truncated).map((s) => {
  const specials = s.tokens.filter((_, i) => s.special[i]);
  return `The text has ${s.textTokens} tokens; the model reads at most ${config.maxLength - specials.length} ` +
    `besides ${specials.join(' and ')}, so the views show the first ${s.n - specials.length}.`;
}).join(' ');

export function viewsController(store) {
  for (const bar of document.querySelectorAll('.colorbar-gradient')) bar.style.background = VIRIDIS_GRADIENT;
  let keystroke = null;  // when the newest keystroke not yet shown happened (performance.now()'s time base)
  const note = $('length-note');

  return {
    keystroke(time) { keystroke = time; },

    // No result to show: the views emptied, and why.
    clear(message) {
      for (const id of ['beams', 'matrix', 'steps', 'heads', 'compare-views']) $(id).replaceChildren();
      say(message);
      note.hidden = true;
    },

    // build: where and how the result was computed ('SIMD WebAssembly build in a worker').
    render(result, build) {
      const { state } = store, { config, main, milliseconds } = result;
      const focused = document.activeElement?.dataset?.focus;  // a re-render replaces the focused button
      const first = firstTokenName(main.tokens, main.special);
      const view = chosenView(result, state);
      const what = `${view.title}${state.hideBos ? `, ${first} hidden, rows rescaled` : ''}`;
      timed('beams', () => renderBeams($('beams'), {
        labels: view.rows, weights: view.weights, selected: state.token - view.offset, caption: what,
        onSelect: (i) => store.commit({ ...store.state, token: i + view.offset }, false),
      }));
      timed('heatmap', () => renderHeatmap($('matrix'), { ...view, caption: `${what}: attention weights of ${view.rows.length} tokens` }));
      timed('steps', () => renderStepsView($('steps'), result, state));
      timed('head grid', () => renderHeadGrid($('heads'), {
        layers: config.layers, heads: config.heads, n: main.n, attentions: main.attentions, summaries: main.summaries,
        selected: state, firstToken: first, onSelect: (layer, head) => store.commit({ ...store.state, layer, head }, true),
      }));
      timed('comparison', () => renderComparison($('compare-views'), result, state));

      const mode = [state.mask !== 'trained' && `mask: ${state.mask}`, !state.scaled && 'not divided by √dk',
        state.temperature !== 1 && `temperature ${state.temperature}`].filter(Boolean);
      say(`${main.n} tokens · ${config.name}${mode.length ? ` (${mode.join(', ')})` : ''} · computed in ` +
        `${milliseconds.toFixed(1)} ms by the ${build}`);
      note.textContent = lengthNote(result);
      note.hidden = note.textContent === '';
      $('matrix').dataset.ready = 'true';

      if (focused) document.querySelector(`[data-focus="${focused}"]`)?.focus({ preventScroll: true });
      if (keystroke !== null) {
        const start = keystroke;
        performance.measure('keystroke to views rendered', { start, end: performance.now() });
        requestAnimationFrame(() => performance.measure('keystroke to next frame', { start, end: performance.now() }));
        keystroke = null;
      }
    },
  };
}

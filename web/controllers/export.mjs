// The Export buttons: what the page shows as a figure for a paper or a post — the beams beside the weights, the
// weights alone, every head, or the comparison — as SVG or PNG (the SVG rasterised), each headed by the sentence
// and what it shows; JSON with every layer and head (web/lib/weights-format.mjs, which <attention-view>'s
// render() reads back); and the steps as CSV or JSON (their own buttons, beside them).
import { comparisonSvg, fileStem, figureSvg, headGridSvg, heatmapSvg, stepsCsv, stepsJson } from '../lib/export.mjs';
import { headName } from '../lib/head-patterns.mjs';
import { chosenView, comparisonPanels, everyHead, hiddenNames } from '../lib/selection.mjs';
import { firstTokenName, whatIfs } from '../lib/view-rules.mjs';
import { writeWeights } from '../lib/weights-format.mjs';
import { download, svgToPng } from '../ui/download.mjs';
import { say } from './status.mjs';

// What a figure shows, after the sentence: the model, the head, the hidden tokens, the what-if changes.
const subtitle = ({ config, main }, state, what) => {
  const hidden = hiddenNames(main, state.hideBos);
  return [config.name, what, hidden && `${hidden} hidden, rows rescaled`, ...whatIfs(state)].filter(Boolean).join(' · ');
};

// kind -> [file name's suffix, the SVG of the result in that state].
const FIGURES = {
  figure: async (result, state) => {
    const view = chosenView(result, state);
    return ['', await figureSvg({ sentence: state.text, subtitle: subtitle(result, state, view.title) }, view)];
  },
  heatmap: async (result, state) => {
    const view = chosenView(result, state);
    return ['heatmap', await heatmapSvg({ sentence: state.text, subtitle: subtitle(result, state, `${view.title}: attention weights`) }, view)];
  },
  heads: async (result, state) => {
    const { config, main } = result, first = firstTokenName(main.tokens, main.special);
    const grid = { ...everyHead(result, state), layers: config.layers, heads: config.heads, selected: state, names: main.summaries.map((s) => headName(s, first).short) };
    return ['heads', await headGridSvg({ sentence: state.text, subtitle: subtitle(result, state, 'every head') }, grid)];
  },
  comparison: async (result, state) => {
    const comparison = comparisonPanels(result, state);
    if (!comparison) throw new Error('type a second sentence under “Compare” first');
    const panels = comparison.panels.map((panel) => ({ ...panel, selected: panel.queries === 'main' ? panel.rowIndex.indexOf(state.token) : -1 }));
    const sentence = `${state.text}” and “${state.compare}`;
    return ['compare', await comparisonSvg({ sentence, subtitle: subtitle(result, state, comparison.which) }, panels)];
  },
};

async function exportResult(format, figure, result, state) {
  const { config, main } = result;
  if (format === 'json') {
    const json = writeWeights({
      tokens: main.tokens, layers: config.layers, heads: config.heads, attentions: main.attentions,
      title: `${config.name} on “${state.text}”`, model: config, state,
    });
    return download(new Blob([JSON.stringify(json)], { type: 'application/json' }), `${fileStem(state.text, state)}.json`);
  }
  const [suffix, svg] = await FIGURES[figure](result, state);
  const stem = fileStem(state.text, state, suffix);
  if (format === 'svg') return download(new Blob([svg], { type: 'image/svg+xml' }), `${stem}.svg`);
  return download(await svgToPng(svg), `${stem}.png`);
}

export function bindExport(store, engine) {
  const figure = document.getElementById('export-what');
  for (const button of document.querySelectorAll('[data-export]')) {
    button.addEventListener('click', async () => {
      if (!engine.lastResult) return;  // nothing shown yet
      try {
        await exportResult(button.dataset.export, figure.value, engine.lastResult, store.state);
      } catch (error) {
        say(`Could not export: ${error.message}`, true);
      }
    });
  }
}

// The steps' own export: kind 'csv' | 'json'; steps: what the steps view shows (web/lib/export.mjs's stepsJson).
export function exportSteps(kind, steps) {
  const stem = `${fileStem(steps.state.text, steps.state)}-token${steps.token}-steps`;
  if (kind === 'csv') return download(new Blob([stepsCsv(steps.steps, steps.labels)], { type: 'text/csv' }), `${stem}.csv`);
  return download(new Blob([JSON.stringify(stepsJson(steps), null, 1)], { type: 'application/json' }), `${stem}.json`);
}

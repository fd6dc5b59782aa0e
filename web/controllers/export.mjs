// The Export buttons: the chosen head (or aggregate) as the views show it, as SVG or PNG (the SVG rasterised),
// and JSON with every layer and head (web/lib/weights-format.mjs, which <attention-view>'s render() reads back).
import { attentionSvg, fileStem } from '../lib/export.mjs';
import { chosenView } from '../lib/selection.mjs';
import { writeWeights } from '../lib/weights-format.mjs';
import { download, svgToPng } from '../ui/download.mjs';
import { say } from './status.mjs';

async function exportResult(kind, result, state) {
  const { config, main } = result;
  const stem = fileStem(state.text, state);
  if (kind === 'json') {
    const json = writeWeights({
      tokens: main.tokens, layers: config.layers, heads: config.heads, attentions: main.attentions,
      title: `${config.name} on “${state.text}”`, model: config, state,
    });
    return download(new Blob([JSON.stringify(json)], { type: 'application/json' }), `${stem}.json`);
  }
  const view = chosenView(result, state);
  const svg = attentionSvg({ ...view, title: `${config.name}: ${view.title}`, selected: Math.max(0, state.token - view.offset) });
  if (kind === 'svg') return download(new Blob([svg], { type: 'image/svg+xml' }), `${stem}.svg`);
  return download(await svgToPng(svg), `${stem}.png`);
}

export function bindExport(store, engine) {
  for (const button of document.querySelectorAll('[data-export]')) {
    button.addEventListener('click', async () => {
      if (!engine.lastResult) return;  // nothing shown yet
      try {
        await exportResult(button.dataset.export, engine.lastResult, store.state);
      } catch (error) {
        say(`Could not export: ${error.message}`, true);
      }
    });
  }
}

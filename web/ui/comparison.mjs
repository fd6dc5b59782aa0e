// Compare: the first sentence and the second side by side on the chosen head, and cross-attention (the first
// sentence's queries against the second's keys and values), each as a heatmap.
import { chosenWeights, shown } from '../lib/selection.mjs';
import { fitted } from '../lib/view-rules.mjs';
import { renderHeatmap } from '../ui/heatmap.mjs';

export function renderComparison(container, { config, main, compare, cross }, state) {
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

// Compare: the panels of web/lib/selection.mjs's comparisonPanels — the first sentence and the second on the
// chosen head, and cross-attention — each as a heatmap. The panels whose rows are the first sentence's tokens
// outline the chosen token's row, and choose a token when a row is clicked (onSelect(token index)).
import { renderHeatmap } from './heatmap.mjs';

export function renderComparison(container, comparison, { token, onSelect = null }) {
  if (!comparison) {
    container.replaceChildren();
    return;
  }
  // The panels' elements are kept from one drawing to the next, so that a tapped cell's tip survives the
  // redraw its choice of token causes.
  const kept = [...container.children].filter((child) => child.classList.contains('compare-panel'));
  const panels = comparison.panels.map((panel, index) => {
    const element = kept[index] ?? document.createElement('div');
    element.className = 'compare-panel';
    const heading = element.querySelector(':scope > h3') ?? document.createElement('h3');
    heading.textContent = panel.title;
    const body = element.querySelector(':scope > div') ?? document.createElement('div');
    const ours = panel.queries === 'main';
    renderHeatmap(body, {
      ...panel, caption: `${panel.title}, ${comparison.which}`, selected: ours ? panel.rowIndex.indexOf(token) : -1,
      onSelect: ours && onSelect ? (i) => onSelect(panel.rowIndex[i]) : null,
    });
    if (!element.isConnected) element.append(heading, body);
    return element;
  });
  if (panels.some((panel, index) => panel !== kept[index]) || kept.length !== panels.length) container.replaceChildren(...panels);
}

// Head importance as a layers × heads table: each cell the rise in the loss (nats) when that head alone is
// switched off, shaded by its size (orange: the loss rises, the accent colour: it falls), the largest in bold;
// above it what was measured, the heads that matter most, and how many change the loss by less than 1 %, with a
// button that switches those off together. Tokens and the sentence are inserted as text.
import { prunable, rankHeads } from '../lib/importance.mjs';

const element = (tag, properties = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
};
const signed = (x) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(3)}`;

// result: web/lib/importance.mjs's headImportance(); stale: the page's sentence or model has changed since;
// onPrune(pairs): switch those [layer, head] pairs off.
export function renderImportance(container, { result, stale, onPrune }) {
  const { layers, heads, baseLoss, increases, positions, what, runs, milliseconds, text, model } = result;
  const ranked = rankHeads(result), largest = Math.max(...Array.from(increases, Math.abs)) || 1;
  const { count, of, limit } = prunable(result);
  const lower = Array.from(increases).filter((x) => x <= -limit).length;
  const top = ranked.slice(0, 3).filter((r) => r.increase > 0).map((r) => `${r.layer}.${r.head} (${signed(r.increase)})`);
  const parts = [];
  if (stale) parts.push(element('p', { className: 'length-note', textContent: `This ranking is for “${text}” (${model}); the sentence or the model has changed since: rank the heads again for what the page shows.` }));
  parts.push(element('p', { className: 'importance-summary', textContent:
    `On “${text}” (${model}), the loss with every head on is ${baseLoss.toFixed(3)} nats, the mean of −ln p over ${positions} `
    + `position${positions === 1 ? '' : 's'}: ${what}. `
    + (top.length ? `Switched off alone, the heads that raise it most are ${top.join(', ')}. ` : 'No head raises it when switched off alone. ')
    + `${count} of ${of} heads change it by less than 1\u00a0% (${limit.toFixed(3)} nats) either way`
    + `${lower ? `; ${lower === 1 ? 'one other lowers' : `${lower} others lower`} it by more than that when switched off` : ''}. `
    + `${runs} runs in ${Math.round(milliseconds)} ms.` }));

  // What the table holds, above it rather than as its caption: a caption is as narrow as this small table.
  const title = 'Change in the loss (nats) with each head switched off alone';
  parts.push(element('p', { className: 'importance-caption', textContent: `${title}: orange where it rises, the accent colour where it falls, deeper the larger the change.` }));
  const table = element('table', { className: 'importance-table' });
  table.setAttribute('aria-label', title);
  const header = table.createTHead().insertRow();
  header.append(element('th', { scope: 'col', textContent: '' }), ...Array.from({ length: heads }, (_, h) => element('th', { scope: 'col', textContent: `head ${h}` })));
  const body = table.createTBody();
  const leaders = new Set(ranked.slice(0, 3).filter((r) => r.increase > 0).map((r) => r.layer * heads + r.head));
  for (let l = 0; l < layers; l++) {
    const row = body.insertRow();
    row.append(element('th', { scope: 'row', textContent: `layer ${l}` }));
    for (let h = 0; h < heads; h++) {
      const x = increases[l * heads + h], cell = row.insertCell();
      cell.textContent = signed(x);
      cell.className = `${x >= 0 ? 'importance-up' : 'importance-down'}${leaders.has(l * heads + h) ? ' importance-top' : ''}`;
      cell.style.setProperty('--strength', (0.6 * Math.abs(x) / largest).toFixed(3));
      cell.dataset.head = `${l}.${h}`;
    }
  }
  const box = element('div', { className: 'scroll-box', tabIndex: 0 }, table);
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', title);
  parts.push(box);

  const quiet = ranked.filter((r) => Math.abs(r.increase) < limit);
  if (quiet.length > 0) {
    const prune = element('button', { type: 'button', className: 'importance-prune', disabled: stale,
      textContent: `Switch off the ${quiet.length} head${quiet.length === 1 ? '' : 's'} that change${quiet.length === 1 ? 's' : ''} the loss by less than 1\u00a0%, together` });
    prune.dataset.focus = 'importance-prune';
    prune.addEventListener('click', () => onPrune(quiet.map((r) => [r.layer, r.head])));
    parts.push(element('p', { className: 'importance-actions' }, prune,
      element('span', { className: 'note', textContent: ' Alone each hardly matters; the Predictions view then shows the loss with all of them off.' })));
  }
  container.replaceChildren(...parts);
}

// What a view shows of a result: the chosen head's (or aggregate's) weights, tokens made readable, the model's
// special tokens optionally left out. Shared by the playground page, the <attention-view> element and the
// exports. DOM-free. attentions: (layers, heads, n, m) row-major.
import { averageHeads, keptTokens, rollout } from './aggregate.mjs';
import { display, fitted } from './view-rules.mjs';

// One head's (n, m) weights.
const headSlice = (all, heads, n, m, layer, head) =>
  all.subarray((layer * heads + head) * n * m, (layer * heads + head + 1) * n * m);

// The (n, m) weights for the chosen layer and head (a number, 'average', or 'rollout' when m = n), and their title.
export function chosenWeights(attentions, heads, n, { layer, head }, m = n) {
  if (head === 'average') return [averageHeads(attentions, heads, n, layer, m), `Layer ${layer}, average of its ${heads} heads`];
  if (head === 'rollout') return [rollout(attentions, heads, n, layer), `Attention rollout through layers 0–${layer}`];
  return [headSlice(attentions, heads, n, m, layer, head), `Layer ${layer}, head ${head}`];
}

// The indices of the tokens a view shows: every one, or with `hide` all but the special tokens the model added
// (special: Uint8Array(n), 1 for [BOS], [CLS], [SEP], <|endoftext|>; null for weights from elsewhere, whose first
// token counts as the special one). Never none: a sentence of special tokens alone shows them all.
export function shownTokens(n, special, hide) {
  const all = Array.from({ length: n }, (_, i) => i);
  if (!hide) return all;
  const kept = all.filter((i) => (special ? !special[i] : i > 0));
  return kept.length > 0 ? kept : all;
}

// The names of the tokens `hide` leaves out, for captions: '[BOS]', '[CLS] and [SEP]'; '' when none.
export function hiddenNames({ tokens, special = null }, hide) {
  const kept = new Set(shownTokens(tokens.length, special, hide));
  const names = [...new Set(tokens.filter((_, i) => !kept.has(i)).map(display))];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
}

// A matrix ready to draw: the labels and weights of the rows and columns shown (without the special tokens,
// rows rescaled, when state.hideBos), and each one's token index. rowSide, columnSide: { tokens, special }.
// Returns { rows, columns, weights, rowIndex, columnIndex }.
export function shown({ hideBos }, rowSide, columnSide, weights) {
  const n = rowSide.tokens.length, m = columnSide.tokens.length;
  const rowIndex = shownTokens(n, rowSide.special ?? null, hideBos);
  const columnIndex = shownTokens(m, columnSide.special ?? null, hideBos);
  const whole = rowIndex.length === n && columnIndex.length === m;
  return {
    rows: rowIndex.map((i) => display(rowSide.tokens[i])),
    columns: columnIndex.map((j) => display(columnSide.tokens[j])),
    weights: whole ? weights : keptTokens(weights, m, rowIndex, columnIndex),
    rowIndex, columnIndex,
  };
}

// The chosen head (or aggregate) of a result's first sentence, as the page's views and its exports show it:
// shown()'s matrix, its title, and `selected`: the chosen token's row among those shown (-1 when it is hidden).
export function chosenView({ config, main }, state) {
  const [weights, title] = chosenWeights(main.attentions, config.heads, main.n, state);
  const view = shown(state, main, main, weights);
  return { ...view, title, selected: view.rowIndex.indexOf(state.token) };
}

// Every head of every layer as the head grid draws it (the special tokens left out when state.hideBos):
// { n, matrices }, with matrices[layer · heads + head] (n, n).
export function everyHead({ config, main }, state) {
  const index = shownTokens(main.n, main.special, state.hideBos), n = main.n, size = n * n;
  const matrices = Array.from({ length: config.layers * config.heads }, (_, h) => {
    const weights = main.attentions.subarray(h * size, (h + 1) * size);
    return index.length === n ? weights : keptTokens(weights, n, index, index);
  });
  return { n: index.length, matrices };
}

// Compare: the first sentence and the second on the chosen head, and cross-attention (the first sentence's
// queries against the second's keys and values). Rollout has no meaning across two sentences: the aggregates
// show the layer's average in all three. Returns { which: 'layer 1, head 2', panels: [{ title, rows, columns,
// weights, rowIndex, columnIndex, queries: 'main' | 'compare' }] }, or null without a second sentence.
export function comparisonPanels({ config, main, compare, cross }, state) {
  if (!compare) return null;
  const { layer, head } = fitted(state, { ...config, n: main.n, m: compare.n, cross: true });
  const perHead = (all, n, m) => chosenWeights(all, config.heads, n, { layer, head }, m)[0];
  const which = typeof head === 'number' ? `layer ${layer}, head ${head}` : `layer ${layer}, average of heads`;
  return {
    which,
    panels: [
      { title: 'First sentence', queries: 'main', ...shown(state, main, main, perHead(main.attentions, main.n, main.n)) },
      { title: 'Second sentence', queries: 'compare', ...shown(state, compare, compare, perHead(compare.attentions, compare.n, compare.n)) },
      { title: 'Cross-attention: first → second', queries: 'main', ...shown(state, main, compare, perHead(cross, main.n, compare.n)) },
    ],
  };
}

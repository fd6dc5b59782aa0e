// What a view shows of a result: the chosen head's (or aggregate's) weights, tokens made readable, [BOS]
// optionally left out. Shared by the playground page, the <attention-view> element and the exports. DOM-free.
// attentions: (layers, heads, n, m) row-major.
import { averageHeads, rollout, withoutFirstToken } from './aggregate.mjs';

// How a token shows: spaces and line breaks made visible; '…' for the later bytes of a character that BPE split.
export const display = (token) => (token === '' ? '…' : token.replace(/^ /, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥'));

// One head's (n, m) weights.
const headSlice = (all, heads, n, m, layer, head) =>
  all.subarray((layer * heads + head) * n * m, (layer * heads + head + 1) * n * m);

// The (n, m) weights for the chosen layer and head (a number, 'average', or 'rollout' when m = n), and their title.
export function chosenWeights(attentions, heads, n, { layer, head }, m = n) {
  if (head === 'average') return [averageHeads(attentions, heads, n, layer, m), `Layer ${layer}, average of its ${heads} heads`];
  if (head === 'rollout') return [rollout(attentions, heads, n, layer), `Attention rollout through layers 0–${layer}`];
  return [headSlice(attentions, heads, n, m, layer, head), `Layer ${layer}, head ${head}`];
}

// A matrix ready to draw, without [BOS] (rows rescaled) when hideBos: { rows, columns, weights, offset }.
export function shown({ hideBos }, rowTokens, columnTokens, weights) {
  const rows = rowTokens.map(display), columns = columnTokens.map(display);
  if (!hideBos) return { rows, columns, weights, offset: 0 };
  return { rows: rows.slice(1), columns: columns.slice(1), weights: withoutFirstToken(weights, rows.length, columns.length), offset: 1 };
}

// The chosen head (or aggregate) of a result's first sentence, as the page's views and its exports show it:
// { title, rows, columns, weights, offset }.
export function chosenView({ config, main }, state) {
  const [weights, title] = chosenWeights(main.attentions, config.heads, main.n, state);
  return { ...shown(state, main.tokens, main.tokens, weights), title };
}

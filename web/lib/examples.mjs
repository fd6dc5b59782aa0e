// The playground's examples. An example that names a pattern says which query shows it and on which keys (a
// word of its text, by occurrence, or 'first': the model's first special token, [BOS]); the page opens it on
// the layer and head of its model where that query puts the most weight on those keys, found from the result
// itself, so that the examples follow the models when they are retrained. tests/js/examples.test.mjs checks,
// on the models as they are, that this weight is at least PROMISED. DOM-free.
import { defaultState } from './state.mjs';
import { display } from './view-rules.mjs';

export const PROMISED = 0.5;  // an example's named query puts at least this much weight on its named keys

const cat = 'The cat sat on the mat because it was tired';
export const EXAMPLES = [
  { label: 'Previous word: “tired” looks at “was”', text: cat, model: 'builtin', query: { word: 'tired' }, keys: [{ word: 'was' }] },
  { label: 'Next word: “sat” looks at “on”', text: cat, model: 'builtin', query: { word: 'sat' }, keys: [{ word: 'on' }] },
  { label: 'Attention sink: “it” rests on [BOS] (causal model)', text: cat, model: 'builtin-causal', query: { word: 'it' }, keys: ['first'] },
  {
    label: 'Same word: the lens model links the two “cat”s', text: 'The cat saw the dog and the cat ran', model: 'builtin-lens',
    query: { word: 'cat', occurrence: 1 }, keys: [{ word: 'cat', occurrence: 0 }, { word: 'cat', occurrence: 1 }],
  },
  { label: 'Compare two sentences with “bank” (and cross-attention)', text: 'The bank by the river was peaceful', compare: 'I deposited cash at the bank', model: 'builtin', query: { word: 'bank' } },
  {
    label: 'A longer passage: previous word over 68 tokens', model: 'builtin',
    text: 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.',
    query: { word: 'bank' }, keys: [{ word: 'word', occurrence: 2 }],
  },
  { label: 'Japanese (CJK)', text: '猫がマットの上に座った', model: 'builtin' },
  { label: 'Arabic (right to left)', text: 'جلست القطة على السجادة', model: 'builtin' },
  { label: 'Emoji', text: 'I ❤️ my 🐈 and she ❤️ her 🐟', model: 'builtin' },
];

// The state an example opens with: its text, model and second sentence, every what-if control as trained, and
// the default layer and head until its result says which head shows its pattern (exampleView).
export const exampleState = (example) =>
  ({ ...defaultState(), text: example.text, compare: example.compare ?? '', model: example.model, token: 1 });

// The token indices of the `occurrence`-th whole `word` of `text` (the tokens whose offsets overlap it), or of
// 'first', the first special token. run: { offsets, special }.
function tokensOf(text, { offsets, special }, what) {
  if (what === 'first') return special[0] ? [0] : [];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${what.word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu');
  const match = [...text.matchAll(pattern)][what.occurrence ?? 0];
  if (!match) return [];
  const start = match.index, end = start + what.word.length, out = [];
  for (let i = 0; i < special.length; i++) {
    if (!special[i] && offsets[2 * i] < end && offsets[2 * i + 1] > start) out.push(i);
  }
  return out;
}

// Where an example opens on its result ({ config, main }): { token } (its query's last token), and for an
// example with keys also { layer, head, keys, weight, note }: the head where the query puts the most weight on
// the keys, that weight, and a sentence saying so. null when the text has no such query (it was cut).
export function exampleView(example, { config, main }, text = example.text) {
  if (!example.query) return { token: 1 };
  const query = tokensOf(text, main, example.query).at(-1);
  if (query === undefined) return null;
  if (!example.keys) return { token: query };
  const keys = [...new Set(example.keys.flatMap((key) => tokensOf(text, main, key)))];
  const { n } = main;
  let best = { layer: 0, head: 0, weight: -1 };
  for (let layer = 0; layer < config.layers; layer++) {
    for (let head = 0; head < config.heads; head++) {
      const row = ((layer * config.heads + head) * n + query) * n;
      const weight = keys.reduce((sum, j) => sum + main.attentions[row + j], 0);
      if (weight > best.weight) best = { layer, head, weight };
    }
  }
  const names = (indices) => indices.map((i) => `“${display(main.tokens[i])}”`).join(' + ');
  return {
    token: query, keys, ...best,
    note: `Layer ${best.layer}, head ${best.head} of ${config.name}: ${names([query])} puts ${best.weight.toFixed(2)} of its weight on ${names(keys)}.`,
  };
}

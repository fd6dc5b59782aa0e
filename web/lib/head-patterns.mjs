// What one attention head does, in numbers: over every query token but [BOS], the mean weight on the previous
// token, the next one, itself and the first token ([BOS]), the mean entropy, and the dominant pattern's name.
// DOM-free.

export const PATTERN_THRESHOLD = 0.4;  // a pattern dominates when it takes at least this mean weight

// Query row i's entropy in nats (weights: (n, n) row-major, row i = how token i attends).
function rowEntropy(weights, n, i) {
  let entropy = 0;
  for (let j = i * n, end = j + n; j < end; j++) if (weights[j] > 0) entropy -= weights[j] * Math.log(weights[j]);
  return entropy;
}

// weights: (n, n). Returns {previous, next, self, first, entropy, pattern}. entropies (n), when given: each
// row's entropy, from rowEntropy (the part of the work that grows with n²).
export function summarizeHead(weights, n, entropies = null) {
  const sums = { previous: 0, next: 0, self: 0, first: 0, entropy: 0 };
  const firstQuery = n > 1 ? 1 : 0;  // [BOS] looking at itself says nothing
  for (let i = firstQuery; i < n; i++) {
    const row = i * n;
    if (i > 0) sums.previous += weights[row + i - 1];
    if (i + 1 < n) sums.next += weights[row + i + 1];
    sums.self += weights[row + i];
    sums.first += weights[row];
    sums.entropy += entropies ? entropies[i] : rowEntropy(weights, n, i);
  }
  const queries = n - firstQuery;
  const summary = Object.fromEntries(Object.entries(sums).map(([key, total]) => [key, total / queries]));
  const candidates = ['previous', 'next', 'self', 'first'];
  const best = candidates.reduce((a, b) => (summary[b] > summary[a] ? b : a));
  summary.pattern = summary[best] >= PATTERN_THRESHOLD ? best : 'broad';
  return summary;
}

// Every head's summary, in the order of attentions (layers, heads, n, n): what the head grid names each head by.
// memo: an object the caller keeps between calls, holding { entropies: (layers·heads, n'), n' } after each; the
// first `reused` query rows (those a causal model's prefix cache kept from the last call's run) take their
// entropies from it rather than computing them again, so typing at the end of a long text costs a row per head.
export function headSummaries(attentions, layers, heads, n, memo = null, reused = 0) {
  const entropies = new Float64Array(layers * heads * n);
  const rows = memo?.entropies && memo.entropies.length === layers * heads * memo.n ? Math.min(reused, memo.n, n) : 0;
  const summaries = Array.from({ length: layers * heads }, (_, index) => {
    const weights = attentions.subarray(index * n * n, (index + 1) * n * n), own = entropies.subarray(index * n, (index + 1) * n);
    if (rows > 0) own.set(memo.entropies.subarray(index * memo.n, index * memo.n + rows));
    for (let i = rows; i < n; i++) own[i] = rowEntropy(weights, n, i);
    return summarizeHead(weights, n, own);
  });
  if (memo) Object.assign(memo, { entropies, n });
  return summaries;
}

const PATTERN_NAMES = { previous: 'previous token', next: 'next token', self: 'itself', broad: 'broad' };

// A head's summary in words, as the head grid and its export name it: its pattern with the weight it takes,
// and its entropy ('previous token 0.76 · H 0.78'; firstToken names token 0: '[BOS]', '[CLS]', …), and the
// same said in full for a screen reader.
export function headName(summary, firstToken) {
  const pattern = summary.pattern === 'first' ? firstToken : PATTERN_NAMES[summary.pattern];
  const share = summary.pattern === 'broad' ? '' : ` ${summary[summary.pattern].toFixed(2)}`;
  return { short: `${pattern}${share} · H ${summary.entropy.toFixed(2)}`, long: `${pattern}${share}, entropy ${summary.entropy.toFixed(2)} nats` };
}

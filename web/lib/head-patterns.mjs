// What one attention head does, in numbers: over every query token but [BOS], the mean weight on the previous
// token, the next one, itself and the first token ([BOS]), the mean entropy, and the dominant pattern's name.
// DOM-free.

export const PATTERN_THRESHOLD = 0.4;  // a pattern dominates when it takes at least this mean weight

// weights: (n, n) row-major, row i = how token i attends. Returns {previous, next, self, first, entropy, pattern}.
export function summarizeHead(weights, n) {
  const sums = { previous: 0, next: 0, self: 0, first: 0, entropy: 0 };
  const firstQuery = n > 1 ? 1 : 0;  // [BOS] looking at itself says nothing
  for (let i = firstQuery; i < n; i++) {
    const row = weights.subarray(i * n, i * n + n);
    if (i > 0) sums.previous += row[i - 1];
    if (i + 1 < n) sums.next += row[i + 1];
    sums.self += row[i];
    sums.first += row[0];
    for (const w of row) if (w > 0) sums.entropy -= w * Math.log(w);
  }
  const queries = n - firstQuery;
  const summary = Object.fromEntries(Object.entries(sums).map(([key, total]) => [key, total / queries]));
  const candidates = ['previous', 'next', 'self', 'first'];
  const best = candidates.reduce((a, b) => (summary[b] > summary[a] ? b : a));
  summary.pattern = summary[best] >= PATTERN_THRESHOLD ? best : 'broad';
  return summary;
}

// Every head's summary, in the order of attentions (layers, heads, n, n): what the head grid names each head by.
export function headSummaries(attentions, layers, heads, n) {
  return Array.from({ length: layers * heads }, (_, index) => summarizeHead(attentions.subarray(index * n * n, (index + 1) * n * n), n));
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

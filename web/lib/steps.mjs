// The four steps of one head's attention for one query token, redone in float64 from the queries, keys and
// values the core computed: 1. the projections q, k_j, v_j; 2. the scores q·k_j; 3. divided by √d_k (and the
// temperature); 4. the softmax, and the weighted sum of the v_j; and how closely that softmax matches the
// core's own weights. DOM-free.
import { headColumns } from './analysis.mjs';

// sentence: { n, queries, keys, values, attentions } of a run; config: the model's; causal: whether key j > token
// is masked. Returns { dk, divisor, query, rows: [{ key, value, score, scaled, visible, weight }], output,
// strongest: the row with the largest weight, largestError: the largest |weight - the core's weight| }.
export function attentionSteps(sentence, config, { layer, head, token, causal, scaled, temperature }) {
  const { n } = sentence, dk = config.dModel / config.heads;
  const shape = { n, dModel: config.dModel, heads: config.heads };
  const [q, k, v] = [sentence.queries, sentence.keys, sentence.values].map((p) => headColumns(p, shape, layer, head));
  const row = (matrix, i) => matrix.subarray(i * dk, (i + 1) * dk);
  const query = row(q, token);
  const divisor = (scaled ? Math.sqrt(dk) : 1) * temperature;
  const rows = Array.from({ length: n }, (_, j) => {
    const key = row(k, j);
    let score = 0;
    for (let c = 0; c < dk; c++) score += query[c] * key[c];
    return { key, value: row(v, j), score, scaled: score / divisor, visible: !causal || j <= token, weight: 0 };
  });
  const visible = rows.filter((r) => r.visible);
  const largest = Math.max(...visible.map((r) => r.scaled));
  let total = 0;
  for (const r of visible) total += (r.weight = Math.exp(r.scaled - largest));
  for (const r of visible) r.weight /= total;
  const output = new Float64Array(dk);
  for (const r of visible) for (let c = 0; c < dk; c++) output[c] += r.weight * r.value[c];
  const coreRow = sentence.attentions.subarray(((layer * config.heads + head) * n + token) * n, ((layer * config.heads + head) * n + token + 1) * n);
  const largestError = Math.max(...rows.map((r, j) => Math.abs(r.weight - coreRow[j])));
  const strongest = rows.reduce((best, r, j) => (r.weight > rows[best].weight ? j : best), 0);
  return { dk, divisor, query, rows, output, strongest, largestError };
}

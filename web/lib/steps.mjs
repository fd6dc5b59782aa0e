// The steps of one head's attention for one query token, redone in float64 from the queries, keys and
// values the core computed: 1. the projections q, k_j, v_j; 2. the scores q·k_j; 3. divided by √d_k (and the
// temperature); 4. the softmax, and the weighted sum of the v_j; and how closely that softmax matches the
// core's own weights. Then step 5, from the core's trace of the head (run() with { trace }): where the
// weighted sum goes — through the head's rows of W_O into the attention's output and the residual stream.
// DOM-free.
import { headProjections, keyValueHead } from './analysis.mjs';

// sentence: { n, queries, keys, values, attentions } of a run; config: the model's; causal: whether key j > token
// is masked; shownKeys: the key indices the views show (the others hidden with the special tokens), or null.
// The scores are made as the model makes them (config.scale, softcap, windows: web/lib/attention.d.ts).
// Returns { dk, kvHead (the key/value head this query head reads), sharing (the query heads that read it too, when
// grouped-query attention shares it), rotary (q and k are as RoPE rotated them), divisor, ownScale (the model's
// scale is not 1/√d_k), softcap, window, query, rows: [{ key, value, score, scaled, visible, masked ('causal' |
// 'window' | null), weight, shown }], output, total: { weight, shown }, strongest: the row with the
// largest weight, largestError: the largest |weight - the core's weight| }. `shown` is the weight as the views
// show it: rescaled over the shown keys (null if hidden). `divisor` is what the score is divided by (√d_k times
// the temperature, for most models); with a soft cap, `scaled` is cap · tanh(score / divisor' / cap) / temperature.
export function attentionSteps(sentence, config, { layer, head, token, causal, scaled, temperature }, shownKeys = null) {
  const { n } = sentence, dk = config.headDim, softcap = config.softcap, window = config.windows[layer];
  const { q, k, v } = headProjections(sentence, config, layer, head);
  const row = (matrix, i) => matrix.subarray(i * dk, (i + 1) * dk);
  const query = row(q, token);
  const scale = scaled ? config.scale : 1;
  const divisor = temperature / scale;
  const scaledScore = (score) => (softcap > 0 ? softcap * Math.tanh((score * scale) / softcap) / temperature : score / divisor);
  const rows = Array.from({ length: n }, (_, j) => {
    const key = row(k, j);
    let score = 0;
    for (let c = 0; c < dk; c++) score += query[c] * key[c];
    const masked = causal && j > token ? 'causal' : window && j <= token - window ? 'window' : null;
    return { key, value: row(v, j), score, scaled: scaledScore(score), visible: !masked, masked, weight: 0, shown: null };
  });
  const visible = rows.filter((r) => r.visible);
  const largest = Math.max(...visible.map((r) => r.scaled));
  let total = 0;
  for (const r of visible) total += (r.weight = Math.exp(r.scaled - largest));
  for (const r of visible) r.weight /= total;
  const output = new Float64Array(dk);
  for (const r of visible) for (let c = 0; c < dk; c++) output[c] += r.weight * r.value[c];

  const kept = new Set(shownKeys ?? rows.keys());
  const keptWeight = rows.reduce((sum, r, j) => sum + (kept.has(j) ? r.weight : 0), 0);
  rows.forEach((r, j) => { if (kept.has(j)) r.shown = keptWeight > 0 ? r.weight / keptWeight : 0; });
  const sum = (pick) => rows.reduce((s, r) => s + (pick(r) ?? 0), 0);

  const coreRow = sentence.attentions.subarray(((layer * config.heads + head) * n + token) * n, ((layer * config.heads + head) * n + token + 1) * n);
  const largestError = Math.max(...rows.map((r, j) => Math.abs(r.weight - coreRow[j])));
  const strongest = rows.reduce((best, r, j) => (r.weight > rows[best].weight ? j : best), 0);
  const kvHead = keyValueHead(config, head), group = config.heads / config.kvHeads;
  const sharing = group > 1 ? Array.from({ length: group }, (_, i) => kvHead * group + i) : [];
  const ownScale = Math.abs(config.scale * Math.sqrt(dk) - 1) > 1e-6;
  return { dk, kvHead, sharing, rotary: config.rotary, divisor, ownScale, softcap, window, query, rows, output, total: { weight: sum((r) => r.weight), shown: sum((r) => r.shown) }, strongest, largestError };
}

const norm = (x) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
const dot = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0);

// Step 5 for the query `token`: trace is run()'s { headOutput (n, dk), contribution, attentionOutput,
// residualBefore, residualAfter (n, dModel) } for the chosen head; output: step 4's float64 weighted sum.
// Returns that token's row of each, their lengths, and what they say: `share`, this head's contribution's length
// over the attention output's; `alignment`, the cosine between the two; `change`, ‖after − before‖ / ‖before‖;
// `outputError`, the largest |the core's head output − step 4's|.
export function residualStep(trace, config, token, output) {
  const dk = config.headDim, d = config.dModel;
  const at = (matrix, width) => matrix.subarray(token * width, (token + 1) * width);
  const vectors = {
    headOutput: at(trace.headOutput, dk), contribution: at(trace.contribution, d), attentionOutput: at(trace.attentionOutput, d),
    residualBefore: at(trace.residualBefore, d), residualAfter: at(trace.residualAfter, d),
  };
  const lengths = Object.fromEntries(Object.entries(vectors).map(([name, vector]) => [name, norm(vector)]));
  const { contribution, attentionOutput, residualBefore, residualAfter } = vectors;
  return {
    ...vectors, lengths,
    share: lengths.attentionOutput > 0 ? lengths.contribution / lengths.attentionOutput : 0,
    alignment: lengths.contribution > 0 && lengths.attentionOutput > 0 ? dot(contribution, attentionOutput) / (lengths.contribution * lengths.attentionOutput) : 0,
    change: lengths.residualBefore > 0 ? norm(residualAfter.map((x, i) => x - residualBefore[i])) / lengths.residualBefore : 0,
    outputError: Math.max(...Array.from(vectors.headOutput, (x, c) => Math.abs(x - output[c]))),
  };
}

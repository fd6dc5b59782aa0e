// What the model predicts, from its own output head (run(text, { predict, targets })): for a causal model the next
// token at each position, for a masked LM the token at each position. What each position is scored against
// (its target), the words the Mask button replaced, the top tokens the views show, and how switching heads off
// moved each position's distribution. DOM-free; runs in the worker (web/lib/analysis.mjs) and in node.
import { parseMasked } from './masking.mjs';
import { display } from './view-rules.mjs';

export const SHOWN = 5;       // tokens the Predictions view lists per position
export const COMPARED = 100;  // tokens asked of each run when heads are off: the KL divergence's support (the API's most)

// A vocabulary piece as the page shows tokens: '·' for a leading space, '…' for bytes of a character the piece
// holds only part of (a byte-level piece that is not whole UTF-8 reaches JS with U+FFFD in their place).
export const displayPiece = (piece) => display(piece.replace(/\uFFFD+/g, '…'));

// How many special tokens a model puts before and after a text ([BOS] | [CLS] … [SEP] | <s> … </s>), from one
// tiny run, once per model.
const layouts = new WeakMap();
function specialsOf(model) {
  if (!layouts.has(model)) {
    const { special } = model.run('a', { truncate: true });
    let prefix = 0, suffix = 0;
    while (prefix < special.length && special[prefix]) prefix++;
    while (suffix < special.length - prefix && special[special.length - 1 - suffix]) suffix++;
    layouts.set(model, { prefix, suffix });
  }
  return layouts.get(model);
}

// The token that stood at a mask: the text with that one mask token put back as the word it replaced, tokenized;
// its first token inside the word. { id, piece } or null.
function rememberedToken(model, text, { offset, text: word }, maskToken) {
  const original = text.slice(0, offset) + word + text.slice(offset + maskToken.length);
  const { ids, tokens, offsets } = model.tokenize(original);
  for (let i = 0; i < ids.length; i++) {
    if (offsets[2 * i] < offset + word.length && offsets[2 * i + 1] > offset) return { id: ids[i], piece: tokens[i] };
  }
  return null;
}

// What a run of `text` scores, by the rule the page and the head importance share:
// - a causal model: each position against the next token (the API's default);
// - a masked LM whose text holds mask tokens (config.maskToken) that the Mask button made: those positions
//   only, each against the word it replaced (`masked`: web/lib/masking.mjs's entries);
// - a masked LM with mask tokens typed by hand, none remembered: every other position against its own token;
// - a masked LM without a mask: every position against its own token (the API's default).
// Returns { targets: Int32Array (n) or null for the default, masks: [{ position, word: the piece remembered or
// null }], what: how the loss is taken, in words }.
export function scoring(model, text, masked = '') {
  const { causal, maxLength } = model.config, maskToken = model.config.maskToken ?? null;
  if (causal) return { targets: null, masks: [], what: 'each next token' };
  const every = { targets: null, masks: [], what: 'every position, against its own token' };
  if (!maskToken || !text.includes(maskToken)) return every;
  const { ids, tokens, offsets } = model.tokenize(text);
  const { prefix, suffix } = specialsOf(model);
  const kept = Math.min(ids.length, maxLength - prefix - suffix);  // as run({ truncate: true }) cuts
  const entries = parseMasked(masked) ?? [];
  const targets = new Int32Array(prefix + kept + suffix).fill(-1);
  const masks = [];
  for (let i = 0; i < kept; i++) {
    if (tokens[i] !== maskToken) continue;
    const entry = entries.find((e) => e.offset === offsets[2 * i]);
    const word = entry ? rememberedToken(model, text, entry, maskToken) : null;
    if (word) targets[prefix + i] = word.id;
    masks.push({ position: prefix + i, word: word?.piece ?? null });
  }
  if (masks.length === 0) return every;
  if (masks.some((m) => m.word !== null)) {
    return { targets, masks, what: masks.filter((m) => m.word !== null).length === 1 ? 'the masked position, against the word that was there' : 'the masked positions, against the words that were there' };
  }
  for (let i = 0; i < kept; i++) if (tokens[i] !== maskToken) targets[prefix + i] = ids[i];
  return { targets, masks, what: 'every position but the masks, against its own token' };
}

// Each position's target as text ('' where none), as the views show tokens: run's tokens are the sentence's.
export function targetTexts(run, { masks }, causal) {
  const { targets } = run.predictions, n = run.tokens.length;
  const remembered = new Map(masks.filter((m) => m.word !== null).map((m) => [m.position, m.word]));
  return Array.from({ length: n }, (_, i) => {
    if (targets[i] < 0) return '';
    if (remembered.has(i)) return remembered.get(i);
    return causal ? run.tokens[i + 1] ?? '' : run.tokens[i];
  });
}

// The first `k` of a run's predictions at each position (the run asked for at least k), with the targets.
export function topPredictions(p, n, k = SHOWN) {
  const shown = Math.min(k, p.k), ids = new Int32Array(n * shown), probs = new Float32Array(n * shown), tokens = [];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < shown; r++) {
      ids[i * shown + r] = p.ids[i * p.k + r];
      probs[i * shown + r] = p.probs[i * p.k + r];
      tokens.push(p.tokens[i * p.k + r]);
    }
  }
  return { k: shown, ids, tokens, probs, targets: p.targets, targetProbs: p.targetProbs, loss: p.loss };
}

// How switching heads off moved each position's distribution: `before` and `after` are two runs' predictions
// (n positions, k tokens each) of one text, without and with the heads off. The full distributions are over the
// whole vocabulary, of which each run returns its top k; the divergence is taken over the tokens both top-k
// lists hold, each on its own, and everything else as one more outcome. Merging outcomes never increases a KL
// divergence (the log-sum inequality), so this is a lower bound on KL(before ‖ after), exact when the shared
// tokens hold all of both distributions' mass.
// Returns, per position: kl (nats), rest (before's mass outside the shared tokens: how far from exact), shared
// (how many tokens both lists hold), topAfter (the probability after of before's top token; NaN when after's top
// k lacks it) and floor (after's k-th probability, which topAfter is then below).
// (A probability of 0, or a rest that rounding took to 0, counts as TINY: raising q only lowers the bound.)
const TINY = 1e-12;
export function predictionShift(before, after, n) {
  const out = { kl: new Float64Array(n), rest: new Float64Array(n), shared: new Int32Array(n), topAfter: new Float32Array(n), floor: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const q = new Map();
    for (let r = 0; r < after.k; r++) q.set(after.ids[i * after.k + r], after.probs[i * after.k + r]);
    let kl = 0, pShared = 0, qShared = 0, shared = 0;
    for (let r = 0; r < before.k; r++) {
      const p = before.probs[i * before.k + r], qp = q.get(before.ids[i * before.k + r]);
      if (qp === undefined) continue;
      shared++;
      pShared += p;
      qShared += qp;
      if (p > 0) kl += p * Math.log(p / Math.max(qp, TINY));
    }
    const pRest = Math.max(0, 1 - pShared), qRest = Math.max(0, 1 - qShared);
    if (pRest > 0) kl += pRest * Math.log(pRest / Math.max(qRest, TINY));
    out.kl[i] = Math.max(0, kl);  // rounding of float32 probabilities can take an exact 0 a hair below
    out.rest[i] = pRest;
    out.shared[i] = shared;
    out.topAfter[i] = q.get(before.ids[i * before.k]) ?? NaN;
    out.floor[i] = after.probs[i * after.k + after.k - 1];
  }
  return out;
}

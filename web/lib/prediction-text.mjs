// The Predictions view's words for one position of a result (web/lib/analysis.mjs's main.predictions): what the
// position predicts, what it is scored against, the sentence's loss, and what switching heads off changed; and
// the Mask or Unmask action a position offers. Shared by the view and the head grid's summary line. DOM-free.
import { rememberedAt } from './masking.mjs';
import { COMPARED, displayPiece } from './predictions.mjs';

// A probability as a percentage, its sign kept on the number's line (a no-break space).
export function percent(p) {
  if (!(p > 0)) return '0\u00a0%';
  if (p >= 0.01) return `${(100 * p).toFixed(1)}\u00a0%`;
  if (p >= 1e-4) return `${(100 * p).toFixed(2)}\u00a0%`;
  return '<\u00a00.01\u00a0%';
}
const nats = (p) => `${(-Math.log(p)).toFixed(2)} nats`;
const quoted = (text) => `“${text}”`;

// { heading, target, loss }: sentences for position i; labels: the tokens as the views show them.
export function positionRole({ config, main }, i, labels) {
  const p = main.predictions, token = quoted(labels[i]);
  const target = p.targets[i] >= 0 ? { text: quoted(displayPiece(p.targetTexts[i])), prob: p.targetProbs[i] } : null;
  const scored = target && `${percent(target.prob)} (loss −ln p = ${nats(target.prob)})`;
  const mask = p.masks.find((m) => m.position === i);
  let heading, line;
  if (config.causal) {
    heading = `Next token after ${token} (token ${i})`;
    line = target ? `The next token in the text, ${target.text}: ${scored}.` : 'The text ends here: there is no next token to score this guess against.';
  } else if (mask) {
    heading = mask.word !== null ? `At ${token} (token ${i}), where ${quoted(displayPiece(mask.word))} was` : `At ${token} (token ${i})`;
    line = target ? `The word that was there, ${target.text}: ${scored}.`
      : 'No word is remembered for this mask (it was typed, not made with the Mask button), so nothing is scored here.';
  } else if (main.special[i]) {
    heading = `At ${token} (token ${i}), a token the model adds`;
    line = 'Not scored: the model adds this token itself.';
  } else {
    heading = `At ${token} (token ${i}), which the model can see`;
    // Mask it only where the Mask button can (the model names its mask token).
    const easy = config.maskToken ? 'mask it to make the model guess' : 'this model names no mask token, so it cannot be asked to guess it';
    line = target ? `${target.text} itself: ${scored}. The model sees this token, which makes it easy: ${easy}.`
      : 'Not scored: with a word masked, only the masked positions are.';
  }
  const count = Array.from(p.targetProbs).filter((x) => !Number.isNaN(x)).length;
  const before = p.before ? ` (${p.before.loss.toFixed(3)} with every head on)` : '';
  const loss = count === 0 ? 'Nothing in this text is scored, so it has no loss.'
    : `Loss over the text: ${p.loss.toFixed(3)} nats${before}, the mean of −ln p over ${count} position${count === 1 ? '' : 's'}: ${p.what}.`;
  return { heading, target: line, loss };
}

// With heads off: { top, kl, how } for position i, or null when every head is on.
export function describeShift({ main }, i) {
  const p = main.predictions, before = p?.before;
  if (!before) return null;
  const { shift } = p, k = before.k;
  const first = quoted(displayPiece(before.tokens[i * k])), after = shift.topAfter[i];
  const now = Number.isNaN(after) ? `below ${percent(shift.floor[i])} (out of the top ${COMPARED})` : percent(after);
  const same = p.ids[i * p.k] === before.ids[i * k];
  const top = `the top prediction, ${first}, ${percent(before.probs[i * k])} → ${now}`
    + (same ? ', still first.' : `; first now: ${quoted(displayPiece(p.tokens[i * p.k]))}, ${percent(p.probs[i * p.k])}.`);
  return {
    top, kl: shift.kl[i], rest: shift.rest[i],
    klText: `KL(before ‖ after) ≥ ${shift.kl[i].toFixed(3)} nats at this position.`,
    how: `The KL divergence is taken over the ${shift.shared[i]} tokens that both runs' top ${COMPARED} share, and the rest of `
      + `the vocabulary as one more outcome (${percent(shift.rest[i])} of the probability before): merging outcomes never raises a KL `
      + 'divergence, so this is a lower bound, exact when the shared tokens hold all the probability.',
  };
}

// What the Mask button does at position i of a result for the playground's state { text, masked }:
// { kind: 'mask', span: [start, end] } to mask the token; { kind: 'unmask', word } where the Mask button put the
// mask; null where there is nothing to do (a causal model, a model without a mask token, a token the model
// added, a piece of a character with no text of its own, a mask typed by hand).
export function maskAction({ config, main }, i, { masked }) {
  const maskToken = config.maskToken ?? null;
  if (config.causal || !maskToken || !main.predictions || main.special[i]) return null;
  const start = main.offsets[2 * i], end = main.offsets[2 * i + 1];
  if (main.tokens[i] === maskToken) {
    const entry = rememberedAt(masked, start);
    return entry ? { kind: 'unmask', offset: start, word: entry.text } : null;
  }
  return end > start ? { kind: 'mask', span: [start, end] } : null;
}

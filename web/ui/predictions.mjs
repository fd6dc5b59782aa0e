// The Predictions view: what the model's own output head gives at the chosen token — its top tokens with bars
// and probabilities (a causal model: the next token; a masked LM: the token at that position), the position's
// target with its probability and loss, the sentence's loss, and with heads switched off what that changed (the
// top token's probability before → after, the KL divergence). For a masked LM a Mask button (or Unmask, where
// the Mask button put a mask). Every token is inserted as text.
import { displayPiece } from '../lib/predictions.mjs';
import { describeShift, percent, positionRole } from '../lib/prediction-text.mjs';

const element = (tag, properties = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
};

// The top tokens of one position, most probable first, each with a bar as long as its probability; `target`:
// the id to mark as the position's target.
function list(ids, tokens, probs, target, label) {
  const items = Array.from(ids, (id, r) => {
    const bar = element('span', { className: 'predictions-bar' });
    bar.style.setProperty('--p', probs[r]);
    const item = element('li', { className: 'predictions-item' },
      element('span', { className: 'predictions-token', textContent: displayPiece(tokens[r]) }),
      element('span', { className: 'predictions-track' }, bar),
      element('span', { className: 'predictions-prob', textContent: percent(probs[r]) }));
    if (id === target) {
      item.classList.add('predictions-target');
      item.title = 'the target';
    }
    return item;
  });
  const ordered = element('ol', { className: 'predictions-list' }, ...items);
  ordered.setAttribute('aria-label', label);
  return ordered;
}

// result: the engine's ({ config, main }); token: the chosen position; labels: the tokens as the views show them.
// mask: { label, onClick } for the Mask or Unmask button, or null; headsOff: the heads switched off, in words ('').
export function renderPredictions(container, { result, token, labels, mask, headsOff }) {
  const { config, main } = result, p = main.predictions;
  if (!p) {
    container.replaceChildren(element('p', { className: 'note predictions-none', textContent:
      `${config.name} cannot predict tokens: ${main.noPredictions}. Everything else works, switching heads off included.` }));
    return;
  }
  const { k } = p, at = (array) => array.subarray(token * k, (token + 1) * k);
  const role = positionRole(result, token, labels);
  const parts = [element('p', { className: 'predictions-what', textContent: role.heading })];
  if (mask) {
    const button = element('button', { type: 'button', className: 'predictions-mask', textContent: mask.label });
    button.dataset.focus = 'predictions-mask';
    button.addEventListener('click', mask.onClick);
    parts.push(element('p', { className: 'predictions-actions' }, button));
  }
  const tokens = p.tokens.slice(token * k, (token + 1) * k);
  parts.push(list(at(p.ids), tokens, at(p.probs), p.targets[token], `The ${k} most probable tokens${headsOff ? `, with ${headsOff}` : ''}`));
  parts.push(element('p', { className: 'predictions-target-line', textContent: role.target }));
  const shift = describeShift(result, token);
  if (shift) {
    const change = element('div', { className: 'predictions-change' },
      element('p', { textContent: `With ${headsOff} (zero ablation): ${shift.top}` }),
      element('p', { textContent: shift.klText }),
      element('p', { className: 'note', textContent: shift.how }));
    change.setAttribute('role', 'group');
    change.setAttribute('aria-label', 'What switching the heads off changed');
    parts.push(change);
  }
  parts.push(element('p', { className: 'predictions-loss note', textContent: role.loss }));
  container.replaceChildren(...parts);
}

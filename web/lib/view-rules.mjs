// The rules the playground page (web/app.mjs) and the <attention-view> element (web/attention-view.mjs) share,
// so that the two cannot drift: how a token shows, the element's attributes for the state's fields and their
// defaults (the playground state's, web/lib/state.mjs), the what-if changes in words, how a chosen layer, head,
// token and view fit what a result holds, what a state asks the engine to compute, the name of the first
// token, and what a blank text says. The engine's start and fallback are web/lib/compute.mjs's startEngine.
// DOM-free.
import { formatHeads, headsIn, headsOffText } from './ablation.mjs';
import { FIELDS, parseField } from './state.mjs';

// How a token shows: spaces and line breaks made visible; '…' for the later bytes of a character that BPE split.
export const display = (token) => (token === '' ? '…' : token.replace(/^ /, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥'));

// The element's attributes that carry the playground's state, by state field. A boolean attribute is on when
// present (empty or 'on'), off when absent or 'off'; `scaled` is on unless it says 'off'.
export const STATE_ATTRIBUTES = {
  text: 'sentence', model: 'model', layer: 'layer', head: 'head', token: 'token', view: 'view', compare: 'compare',
  mask: 'mask', scaled: 'scaled', temperature: 'temperature', hideBos: 'hide-bos', ablate: 'ablate',
};

// An element's attributes as settings. attribute(name): the attribute's text, or null when it is absent. The
// layer, head, token, view, mask, temperature, the second sentence and the heads switched off (ablate="0.1 2.3")
// read as the playground's hash fields do: absent or invalid, the default. The sentence and model are taken as
// written (a model the engine does not know is an error it names). `causal` (present) is the older spelling of
// mask="causal".
export function elementSettings(attribute) {
  const field = (name) => {
    const text = attribute(STATE_ATTRIBUTES[name]);
    if (FIELDS[name].kind === 'boolean' && text === '') return true;
    return (text === null ? undefined : parseField(FIELDS[name], text)) ?? FIELDS[name].default;
  };
  const mask = field('mask');
  const settings = {
    sentence: attribute('sentence') ?? FIELDS.text.default,
    model: attribute('model') ?? FIELDS.model.default,
    layer: field('layer'), head: field('head'), token: field('token'), view: field('view'), compare: field('compare'),
    mask: mask === 'trained' && attribute('causal') !== null ? 'causal' : mask,
    scaled: field('scaled'), temperature: field('temperature'), hideBos: field('hideBos'), ablate: field('ablate'),
  };
  settings.causal = settings.mask === 'causal';  // as the element's change event has always said it
  return settings;
}

// The what-if changes in force, for captions, the status line and the exports: ['mask: none', 'not divided by
// √dk', 'temperature 2', 'heads 0.1 and 2.3 off'] (empty: the model as trained).
export const whatIfs = ({ mask, scaled, temperature, ablate = '' }) => [mask !== 'trained' && `mask: ${mask}`,
  !scaled && 'not divided by √dk', temperature !== 1 && `temperature ${temperature}`, headsOffText(ablate)].filter(Boolean);

// A text of spaces alone has no tokens to show: instead of computing, both say so (null: there is a text).
export const blankTextNote = (text) => (text.trim() === '' ? 'Type at least one word.' : null);

// What the engine computes for a state (web/lib/analysis.mjs's request). The element, which has no what-if
// controls, leaves out all but the model, the text, the mask and the heads switched off, and gets the defaults;
// `masked` (the words the Mask button replaced) is the playground's.
export const computeRequest = ({
  model, text, compare = FIELDS.compare.default, mask = FIELDS.mask.default, scaled = FIELDS.scaled.default,
  temperature = FIELDS.temperature.default, ablate = FIELDS.ablate.default, masked = FIELDS.masked.default,
}) => ({ model, text, compare, mask, scaled, temperature, ablate, masked });

// The layer, head, token and view to show of a result with `layers` × `heads` (n, m) matrices. A link or an
// attribute may name a layer, head or token the model or the text does not have: they become the last one
// there is; a token the views do not show (`shownTokens`: the indices they show, all by default) becomes the
// nearest one they do. Rollout multiplies a layer's weights by the ones below, which only square
// self-attention allows: for cross-attention (the queries of one text, the keys of another; `cross` unless
// n = m) the chosen aggregate is the heads' average, and the one view is the matrix. The comparison view needs
// a second sentence (`compared`); without one, the beams. Heads switched off (`ablate`, when given) that the
// model does not have are left out.
export function fitted({ layer, head, token, view, ablate }, { layers, heads, n, m = n, cross = n !== m, compared = false }, shownTokens = null) {
  const candidates = shownTokens ?? [...Array(n).keys()];
  const nearest = candidates.reduce((best, i) => (Math.abs(i - token) < Math.abs(best - token) ? i : best), candidates[0]);
  return {
    layer: Math.min(layer, layers - 1),
    head: typeof head === 'number' ? Math.min(head, heads - 1) : head === 'rollout' && cross ? 'average' : head,
    token: nearest,
    view: cross ? 'matrix' : view === 'compare' && !compared ? 'beams' : view,
    ...(ablate !== undefined && { ablate: formatHeads(headsIn(ablate, { layers, heads })) }),
  };
}

// The head chooser's entries after the head numbers, as [value, label]: the aggregates `fitted` allows.
export const aggregateChoices = (cross) =>
  [['average', 'average of heads'], ...(cross ? [] : [['rollout', 'rollout to this layer']])];

// Token 0's name, for the head grid's "attends to the first token" and the "hide" box: the model's own when it
// added that token ([BOS], [CLS], <|endoftext|>). Weights from elsewhere carry no `special` flags: their first
// token is named as it shows.
export const firstTokenName = (tokens, special = null) =>
  (special && !special[0] ? 'the first token' : display(tokens[0]));

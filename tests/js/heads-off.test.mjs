// The page's state for switching heads off and for the Mask button (web/lib/ablation.mjs, web/lib/masking.mjs):
// their texts in the URL hash and the element's attribute, and how the remembered words follow the text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allBut, formatHeads, headsIn, headsOffText, isOff, parseHeads, toggleHead } from '../../web/lib/ablation.mjs';
import { followEdit, formatMasked, maskSpan, parseMasked, rememberedAt, stillMasked, unmaskAt } from '../../web/lib/masking.mjs';
import { defaultState, parseHash, toHash } from '../../web/lib/state.mjs';

test('a list of heads reads in any order, once each, and writes in order; anything else is not a list', () => {
  assert.deepEqual(parseHeads('2.3 0.1  0.1 1.0'), [[0, 1], [1, 0], [2, 3]]);
  assert.deepEqual(parseHeads(''), []);
  assert.deepEqual(parseHeads('   '), []);
  assert.equal(formatHeads([[2, 3], [0, 1], [2, 3]]), '0.1 2.3');
  assert.equal(formatHeads([[0, 10], [0, 9]]), '0.9 0.10', 'by number, not as text');
  for (const bad of ['0,1', '0.1,2.3', '1.', '.1', '1.x', '-1.0', '64.0', '0.256', '0.1.2', '1e1.0', 'all']) assert.equal(parseHeads(bad), undefined, bad);
  assert.deepEqual(parseHeads('63.255'), [[63, 255]]);
});

test('switching: one head toggles, all but one, the heads a model has, and their names', () => {
  assert.equal(toggleHead('', 1, 2), '1.2');
  assert.equal(toggleHead('1.2', 1, 2), '');
  assert.equal(toggleHead('2.0 0.3', 1, 1), '0.3 1.1 2.0');
  assert.equal(toggleHead('x', 0, 0), '0.0', 'an invalid list counts as none');
  const shape = { layers: 3, heads: 4 };
  const others = parseHeads(allBut(shape, 1, 2));
  assert.equal(others.length, 11);
  assert.ok(!others.some(([l, h]) => l === 1 && h === 2));
  assert.deepEqual(headsIn('0.1 2.3 3.0 0.4', shape), [[0, 1], [2, 3]], 'a link may name heads a smaller model lacks');
  assert.equal(isOff('0.1 2.3', 2, 3), true);
  assert.equal(isOff('0.1 2.3', 3, 2), false);
  assert.deepEqual(['', '0.2', '0.2 1.3', '0.1 0.2 0.3', allBut(shape, 0, 0)].map((text) => headsOffText(text, shape)),
    ['', 'head 0.2 off', 'heads 0.2 and 1.3 off', 'heads 0.1, 0.2 and 0.3 off', '11 of 12 heads off']);
});

test('the heads off and the Mask button\'s words live in the URL hash, written one way whatever a link said', () => {
  const state = { ...defaultState(), ablate: '0.2 1.3', masked: formatMasked([{ offset: 3, text: ' cat & 50%' }]) };
  assert.deepEqual(parseHash(toHash(state)), state);
  assert.equal(parseHash('#ablate=1.3+0.2+0.2').ablate, '0.2 1.3');
  assert.equal(parseHash('#ablate=0.2,1.3').ablate, '', 'invalid: the default, every head on');
  assert.equal(parseHash('#masked=3:%2520cat').masked, '3:%20cat');
  for (const bad of ['3', 'x:cat', '3:', '3:%E0%A4%A', `3:${'a'.repeat(1001)}`]) assert.equal(parseHash(`#masked=${encodeURIComponent(bad)}`).masked, '', bad);
  assert.equal(toHash({ ...defaultState(), ablate: '' }), '', 'every head on is the default and is left out');
});

test('Mask replaces a token\'s text by the mask token and remembers it; Unmask puts it back', () => {
  const text = 'The cat sat on the mat';
  const once = maskSpan(text, '', [3, 7], '[MASK]');
  assert.deepEqual(once, { text: 'The[MASK] sat on the mat', masked: '3:%20cat' });
  const twice = maskSpan(once.text, once.masked, [20, 24], '[MASK]');
  assert.equal(twice.text, 'The[MASK] sat on the[MASK]');
  assert.deepEqual(parseMasked(twice.masked), [{ offset: 3, text: ' cat' }, { offset: 20, text: ' mat' }]);
  // An earlier mask made after a later one moves the later one's offset.
  const before = maskSpan(once.text, once.masked, [0, 3], '<mask>');
  assert.equal(before.text, '<mask>[MASK] sat on the mat');
  assert.deepEqual(parseMasked(before.masked), [{ offset: 0, text: 'The' }, { offset: 6, text: ' cat' }]);
  assert.deepEqual(rememberedAt(before.masked, 6), { offset: 6, text: ' cat' });
  assert.equal(rememberedAt(before.masked, 5), null);
  // Unmasking in any order gives the text back, and nothing remembered.
  const first = unmaskAt(twice.text, twice.masked, 3, '[MASK]');
  assert.deepEqual(first, { text: 'The cat sat on the[MASK]', masked: '18:%20mat' });
  assert.deepEqual(unmaskAt(first.text, first.masked, 18, '[MASK]'), { text, masked: '' });
  assert.equal(unmaskAt(twice.text, twice.masked, 4, '[MASK]'), null, 'no mask remembered there');
  assert.equal(unmaskAt('The cat', '3:%20cat', 3, '[MASK]'), null, 'the text no longer holds the mask');
});

test('the remembered words follow typing: before a mask they move, after it they stay, inside it they go', () => {
  const masked = formatMasked([{ offset: 3, text: ' cat' }, { offset: 16, text: ' mat' }]);
  const text = 'The[MASK] sat on[MASK]';
  assert.equal(followEdit(masked, text, `A ${text}`), '5:%20cat 18:%20mat', 'typed at the start');
  assert.equal(followEdit(masked, text, `${text}!`), masked, 'typed at the end');
  assert.equal(followEdit(masked, text, 'The[MASK] sits on[MASK]'), '3:%20cat 17:%20mat', 'a word changed between');
  assert.equal(followEdit(masked, text, 'The sat on[MASK]'), '10:%20mat', 'the first mask deleted');
  assert.equal(followEdit(masked, text, text), masked);
  assert.equal(followEdit('', text, 'x'), '');
  // An edit inside a mask's text leaves its offset, and the page forgets it once the mask token is not there.
  const inside = 'The[MAXSK] sat on[MASK]';
  assert.equal(stillMasked(followEdit(masked, text, inside), inside, '[MASK]'), '17:%20mat');
});

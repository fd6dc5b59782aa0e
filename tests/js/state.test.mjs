// The playground state <-> URL hash: round trips, defaults left out, anything invalid ignored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELDS, defaultState, parseHash, toHash } from '../../web/lib/state.mjs';

test('the defaults make an empty hash, and an empty hash gives the defaults', () => {
  assert.equal(toHash(defaultState()), '');
  assert.deepEqual(parseHash(''), defaultState());
  assert.deepEqual(parseHash('#'), defaultState());
});

test('every field round-trips, including any Unicode text and characters that mean something in URLs', () => {
  const texts = ['a & b = c?#d%', '猫が座った 🐈‍⬛', 'שלום עולם', '  spaces  ', '<img src=x onerror=alert(1)>', 'plus+sign'];
  for (const text of texts) {
    const state = { text, model: 'builtin-causal', layer: 2, head: 3, token: 7, mask: 'none', scaled: false, temperature: 2.5, hideBos: true, compare: text, view: 'heads' };
    const hash = toHash(state);
    assert.match(hash, /^#/);
    assert.deepEqual(parseHash(hash), state, hash);
  }
});

test('only the fields that differ from their defaults are written', () => {
  assert.equal(toHash({ ...defaultState(), head: 0 }), '#head=0');
  assert.equal(toHash({ ...defaultState(), model: 'builtin-causal', layer: 1 }), '#model=builtin-causal&layer=1');
});

test('invalid or unknown entries fall back to the defaults, never throw', () => {
  const defaults = defaultState();
  for (const hash of ['#layer=-1', '#layer=1.5', '#layer=abc', '#layer=64', '#head=', '#model=gpt-5', '#model=',
    '#unknown=1', '#%E0%A4%A', `#text=${'x'.repeat(FIELDS.text.maxLength + 1)}`, '#layer=1e3', '#layer= 2']) {
    const state = parseHash(hash);
    for (const name of Object.keys(FIELDS)) {
      if (!hash.includes(`${name}=`)) assert.equal(state[name], defaults[name], `${hash}: ${name}`);
    }
    assert.deepEqual(Object.keys(state), Object.keys(defaults));
  }
  assert.equal(parseHash('#layer=64').layer, defaults.layer);
  assert.equal(parseHash('#layer=2&layer=3').layer, 2, 'the first of repeated entries wins');
  assert.equal(parseHash('#text=').text, '', 'an empty text is a valid text');
  assert.equal(parseHash('#head=average').head, 'average');
  assert.equal(parseHash('#head=rollout').head, 'rollout');
  assert.equal(parseHash('#head=median').head, defaults.head);
  assert.equal(toHash({ ...defaults, head: 'rollout', layer: 2 }), '#layer=2&head=rollout');
  assert.equal(parseHash('#scaled=off').scaled, false);
  assert.equal(parseHash('#scaled=no').scaled, true);
  assert.equal(parseHash('#temperature=0.25').temperature, 0.25);
  for (const bad of ['0', '0.05', '11', '-1', '1e0', 'NaN', 'Infinity', '.5', '2.']) {
    assert.equal(parseHash(`#temperature=${bad}`).temperature, 1, bad);
  }
  assert.equal(parseHash('#mask=causal').mask, 'causal');
  assert.equal(parseHash('#mask=half').mask, 'trained');
});

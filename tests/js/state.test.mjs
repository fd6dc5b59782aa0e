// The playground state <-> URL hash: round trips, defaults left out, anything invalid ignored; long texts in a
// compressed hash, and the links made before it still read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELDS, MAX_TEXT, PLAIN_HASH_LIMIT, defaultState, linkNote, parseHash, readHash, toHash, writeHash } from '../../web/lib/state.mjs';

test('the defaults make an empty hash, and an empty hash gives the defaults', () => {
  assert.equal(toHash(defaultState()), '');
  assert.deepEqual(parseHash(''), defaultState());
  assert.deepEqual(parseHash('#'), defaultState());
});

test('every field round-trips, including any Unicode text and characters that mean something in URLs', () => {
  const texts = ['a & b = c?#d%', '猫が座った 🐈‍⬛', 'שלום עולם', '  spaces  ', '<img src=x onerror=alert(1)>', 'plus+sign'];
  for (const text of texts) {
    const state = { text, model: 'builtin-causal', layer: 2, head: 3, token: 7, mask: 'none', scaled: false, temperature: 2.5, hideBos: true, compare: text, view: 'heads',
      ablate: '0.1 2.3', masked: `4:${encodeURIComponent(text)}` };
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

// 5,000 words of several scripts: 26,000 characters, a plain hash of about 60,000.
const LONG = Array.from({ length: 5000 }, (_, i) => ['The', 'cat', 'sat', 'on', 'the', 'mat', '猫が', 'قطة', '🐈', 'a&b=c#d%'][i % 10]).join(' ');

test('a long text makes a compressed hash that reads back exactly, every field with it', async () => {
  const state = { ...defaultState(), text: LONG, compare: `${LONG} again`, model: 'builtin-lens', layer: 0, head: 'average', token: 77, mask: 'none', scaled: false, temperature: 0.5, hideBos: true, view: 'compare' };
  assert.ok(toHash(state).length > PLAIN_HASH_LIMIT);
  const hash = await writeHash(state);
  assert.match(hash, /^#z1=[A-Za-z0-9_-]+$/, 'the version marker, then base64url');
  assert.ok(hash.length < toHash(state).length / 2, `${hash.length} characters compressed, ${toHash(state).length} plain`);
  assert.deepEqual(await readHash(hash), { state, note: null });
});

test('short states keep the plain, readable hash; every link made before compression still reads', async () => {
  const state = { ...defaultState(), text: 'The cat sat', layer: 1 };
  assert.equal(await writeHash(state), '#text=The+cat+sat&layer=1');
  for (const hash of ['', '#text=The+cat+sat&layer=1&head=0', `#text=${encodeURIComponent('a'.repeat(3999))}&hideBos=on`]) {
    assert.deepEqual(await readHash(hash), { state: parseHash(hash), note: null }, hash.slice(0, 40));
  }
});

test('a text longer than a link keeps is cut to MAX_TEXT, and the page is told', async () => {
  const state = { ...defaultState(), text: 'x'.repeat(MAX_TEXT + 5) };
  assert.equal(linkNote(state), 'A link keeps the first 100,000 characters of the sentence; the rest is not in it.');
  assert.equal(linkNote({ ...state, compare: state.text }), 'A link keeps the first 100,000 characters of the sentence and the second sentence; the rest is not in it.');
  assert.equal(linkNote(defaultState()), null);
  assert.equal((await readHash(await writeHash(state))).state.text, 'x'.repeat(MAX_TEXT));
  // A hand-made plain link with too long a text: cut, and said.
  const read = await readHash(`#text=${'y'.repeat(MAX_TEXT + 1)}`);
  assert.equal(read.state.text.length, MAX_TEXT);
  assert.match(read.note, /^A link keeps the first 100,000 characters of the sentence/);
});

test('a damaged compressed hash opens the defaults and says why; one that would inflate to gigabytes is refused', async () => {
  for (const hash of ['#z1=', '#z1=AAAA', '#z1=!!!', `${(await writeHash({ ...defaultState(), text: LONG })).slice(0, -40)}`]) {
    const { state, note } = await readHash(hash);
    assert.deepEqual(state, defaultState(), hash.slice(0, 30));
    assert.match(note, /^This link is damaged \(its compressed part cannot be read: .+\); the playground opens with its defaults\.$/);
  }
  // 100 MB of one letter deflate to about 100 kB: reading stops at the limit instead of inflating them all.
  const { deflateRawSync } = await import('node:zlib');
  const bomb = deflateRawSync(Buffer.alloc(100e6, 'a')).toString('base64url');
  const { note } = await readHash(`#z1=${bomb}`);
  assert.match(note, /inflates to more than \d+ bytes/);
});

test('the compressed form is deflate-raw: what zlib inflates is the plain hash', async () => {
  const { inflateRawSync } = await import('node:zlib');
  const state = { ...defaultState(), text: LONG };
  const hash = await writeHash(state);
  assert.equal(`#${inflateRawSync(Buffer.from(hash.slice(4), 'base64url')).toString('utf8')}`, toHash(state));
});

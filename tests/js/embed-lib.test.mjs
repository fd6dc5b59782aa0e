// The DOM-free pieces behind embedding and export: the weights JSON format (read and written), the SVG export,
// file names, and the share snippets and oEmbed answer, with user text that tries to be markup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attentionSvg, escapeXml, fileStem } from '../../web/lib/export.mjs';
import { oembedFor, shareSnippets } from '../../web/lib/share.mjs';
import { defaultState, parseHash } from '../../web/lib/state.mjs';
import { readWeights, writeWeights } from '../../web/lib/weights-format.mjs';

const HOSTILE = '<img src=x onerror=alert(1)> "a" & \'b\' </script>';

test('weights: nested arrays of every depth, a flat array with a shape, and JSON text all read the same', () => {
  const one = [[1, 0], [0.25, 0.75]];
  const expected = new Float32Array([1, 0, 0.25, 0.75]);
  for (const data of [
    { tokens: ['a', 'b'], weights: one },
    { tokens: ['a', 'b'], weights: [one] },
    { tokens: ['a', 'b'], weights: [[one]] },
    { tokens: ['a', 'b'], weights: [1, 0, 0.25, 0.75], shape: [1, 1, 2, 2] },
    JSON.stringify({ format: 'attention-weights', version: 1, tokens: ['a', 'b'], weights: [[one]] }),
  ]) {
    const read = readWeights(data);
    assert.deepEqual([read.layers, read.heads, read.n, read.m], [1, 1, 2, 2]);
    assert.deepEqual(read.attentions, expected);
  }
  const cross = readWeights({ tokens: ['q'], keyTokens: ['k1', 'k2', 'k3'], weights: [[0.2, 0.3, 0.5]], labels: { layers: ['L'], heads: ['H'] } });
  assert.deepEqual([cross.n, cross.m, cross.labels.layers, cross.labels.heads], [1, 3, ['L'], ['H']]);
});

test('weights: what the export writes reads back, all layers and heads in order, rounded to 1e-6', () => {
  const layers = 2, heads = 3, tokens = ['[BOS]', 'x', HOSTILE];
  const attentions = Float32Array.from({ length: layers * heads * 9 }, (_, i) => (i % 7) / 7);
  const written = writeWeights({ tokens, layers, heads, attentions, title: HOSTILE, model: { name: 'm' }, state: defaultState() });
  const read = readWeights(JSON.parse(JSON.stringify(written)));
  assert.deepEqual([read.layers, read.heads, read.n, read.m, read.tokens, read.title], [layers, heads, 3, 3, tokens, HOSTILE]);
  read.attentions.forEach((w, i) => assert.ok(Math.abs(w - attentions[i]) <= 1e-6, `value ${i}`));
  assert.equal(written.weights[1][2][0].length, 3);
});

test('weights: every bad input names the field that is wrong', () => {
  const cases = [
    [null, TypeError, /^data: expected an object/],
    ['{"tokens": [', TypeError, /^data: not valid JSON/],
    [{ weights: [[1]] }, TypeError, /^tokens: expected an array of strings, got undefined/],
    [{ tokens: [], weights: [] }, RangeError, /^tokens: expected 1 to 4096 tokens, got 0/],
    [{ tokens: ['a', 7], weights: [[1, 0], [0, 1]] }, TypeError, /^tokens\[1\]: expected a string, got 7/],
    [{ tokens: ['a'], weights: 1 }, TypeError, /^weights: expected nested arrays/],
    [{ tokens: ['a'], weights: [1] }, RangeError, /^weights: expected 2 to 4 levels/],
    [{ tokens: ['a', 'b'], weights: [[1, 0]] }, RangeError, /^weights: expected an array of 2, got an array of 1/],
    [{ tokens: ['a', 'b'], weights: [1, 0, 0, 1], shape: [1, 1, 1, 4] }, RangeError, /^shape: has 1 queries, but tokens has 2/],
    [{ tokens: ['a', 'b'], weights: [[1, 0], [1]] }, RangeError, /^weights\[1\]: expected an array of 2, got an array of 1/],
    [{ tokens: ['a'], weights: [[[1]], [[1], [2]]] }, RangeError, /^weights\[1\]: expected an array of 1, got an array of 2/],
    [{ tokens: ['a'], weights: [['x']] }, TypeError, /^weights\[0\]\[0\]: expected a finite number, got string/],
    [{ tokens: ['a'], weights: [[NaN]] }, TypeError, /^weights\[0\]\[0\]: expected a finite number, got NaN/],
    [{ tokens: ['a'], weights: [1, 2], shape: [1, 1, 1, 1] }, RangeError, /^weights: expected 1 numbers/],
    [{ tokens: ['a'], weights: [1], shape: [1, 1, 1] }, TypeError, /^shape: expected \[layers, heads, n, m\]/],
    [{ tokens: ['a'], weights: [1], shape: [4097, 4096, 1, 1] }, RangeError, /^weights: 16781312 values is more than/],
    [{ tokens: ['a'], weights: [[1]], format: 'other' }, RangeError, /^format: expected 'attention-weights'/],
    [{ tokens: ['a'], weights: [[1]], version: 2 }, RangeError, /^version: expected 1, got 2/],
    [{ tokens: ['a'], weights: [[1]], labels: { heads: ['x', 'y'] } }, TypeError, /^labels.heads: expected 1 strings/],
    [{ tokens: ['a'], weights: [[1]], title: 5 }, TypeError, /^title: expected a string/],
  ];
  for (const [data, ErrorType, message] of cases) {
    assert.throws(() => readWeights(data), (error) => error instanceof ErrorType && message.test(error.message), JSON.stringify(data));
  }
});

test('export: XML escaping keeps markup inert and drops characters XML cannot hold', () => {
  assert.equal(escapeXml(HOSTILE), '&lt;img src=x onerror=alert(1)&gt; &quot;a&quot; &amp; &#39;b&#39; &lt;/script&gt;');
  assert.equal(escapeXml('a\u0000b\u001fc\ud800d🐈'), 'a\ufffdb\ufffdc\ufffdd🐈');
});

test('export: the SVG has every token as text, no element from the input, and one rect per weight', () => {
  const rows = ['[BOS]', HOSTILE, '猫'], weights = new Float32Array([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5]);
  const svg = attentionSvg({ title: `Head on ${HOSTILE}`, rows, columns: rows, weights, selected: 1 });
  assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<rect x=/g).length, 9 + 1);  // the cells and the colour bar
  assert.ok(svg.includes('&lt;img src=x'));
  assert.ok(!svg.includes('<img') && !svg.includes('</script'));
  assert.ok(svg.includes('>猫<'));
});

test('export: file names come from the sentence, in any script, and are never empty', () => {
  assert.equal(fileStem('The cat sat on the mat.', { layer: 1, head: 2 }), 'attention-the-cat-sat-on-the-mat-layer1-head2');
  assert.equal(fileStem('Café déjà vu', { layer: 0, head: 'average' }), 'attention-cafe-deja-vu-layer0-headaverage');
  assert.equal(fileStem('猫がマットの上に座った', { layer: 0, head: 0 }), 'attention-猫がマットの上に座った-layer0-head0');
  assert.equal(fileStem('<>/\\:*?"|', { layer: 0, head: 0 }), 'attention-layer0-head0');
  assert.ok(fileStem('word '.repeat(100), { layer: 0, head: 0 }).length < 70);
});

test('share: snippets escape the sentence for the attribute or text they are in, and the permalink restores it', () => {
  const state = { ...defaultState(), text: HOSTILE, layer: 1, head: 'average', mask: 'causal', view: 'matrix' };
  const site = 'https://example.org/attention/';
  const snippets = shareSnippets(state, site);
  assert.ok(snippets.permalink.startsWith(site));
  assert.deepEqual(parseHash(snippets.permalink.slice(site.length)), state);
  assert.ok(snippets.embedUrl.startsWith(`${site}embed.html#`));
  for (const html of [snippets.iframe, snippets.element]) {
    assert.ok(!html.includes('<img'), html);
    assert.ok(!html.includes('</script>"'), html);
  }
  assert.match(snippets.element, /^<script src="https:\/\/example.org\/attention\/dist\/attention-view.js"><\/script>\n<attention-view sentence="&lt;img src=x onerror=alert\(1\)&gt; &quot;a&quot; &amp; &#39;b&#39; &lt;\/script&gt;" model="builtin" layer="1" head="average" token="3" view="matrix" causal>/);
  assert.match(shareSnippets({ ...state, model: 'checkpoint' }, site).element, / model="builtin" /);  // the files stay home
  const oembed = oembedFor(snippets.embedUrl, site, { maxwidth: '500' });
  assert.deepEqual([oembed.version, oembed.type, oembed.width, oembed.height], ['1.0', 'rich', 500, 560]);
  assert.match(oembed.html, /^<iframe src="https:\/\/example.org\/attention\/embed.html#[^"]+" title="Self-attention on “&lt;img/);
  assert.equal(oembed.title, `Self-attention on “${HOSTILE}”`);
});

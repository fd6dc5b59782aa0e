// The DOM-free pieces behind embedding and export: the weights JSON format (read and written), the SVG export,
// file names, and the share snippets and oEmbed answer, with user text that tries to be markup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonSvg, escapeXml, fileStem, figureSvg, headGridSvg, heatmapSvg, stepsCsv } from '../../web/lib/export.mjs';
import { weightsPng } from '../../web/lib/png.mjs';
import { elementAttributes, oembedFor, shareSnippets } from '../../web/lib/share.mjs';
import { defaultState, parseHash, readHash } from '../../web/lib/state.mjs';
import { elementSettings } from '../../web/lib/view-rules.mjs';
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

const title = { sentence: `Head on ${HOSTILE}`, subtitle: 'builtin-bidirectional · Layer 0, head 2' };
const rects = (svg) => svg.match(/<rect x=/g).length;

test('export: the figure has the sentence on top, every token as text, no element from the input, one rect per weight', async () => {
  const rows = ['[BOS]', HOSTILE, '猫'], weights = new Float32Array([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5]);
  const svg = await figureSvg(title, { rows, columns: rows, weights, selected: 1 });
  assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(rects(svg), 9 + 1 + 1);  // the cells, the chosen row's outline and the colour bar
  assert.ok(svg.includes('>“Head on &lt;img src=x'), 'the sentence, in quotes, is the heading');
  assert.ok(svg.includes('>builtin-bidirectional · Layer 0, head 2<'));
  assert.ok(!svg.includes('<img') && !svg.includes('</script'));
  assert.ok(svg.includes('>猫<'));
  const alone = await heatmapSvg(title, { rows, columns: rows, weights, selected: -1 });
  assert.equal(rects(alone), 9 + 1, 'the heatmap alone: no beams, no outline');
  assert.ok(!alone.includes('<line '), 'no beams');
});

// The figure's width and height, and the pitch of its cells (the first two cells' distance).
const sizeOf = (svg) => svg.match(/<svg [^>]*width="(\d+)" height="(\d+)"/).slice(1).map(Number);
const pitchOf = (svg) => { const [a, b] = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="(\d+)"/g)]; return Number(b[1]) - Number(a[1]); };

test('export: long texts keep readable labels: the cells and the beams share a pitch of at least 14 px', async () => {
  for (const n of [6, 40, 78, 128]) {
    const rows = Array.from({ length: n }, (_, i) => `·word${i}`), weights = new Float32Array(n * n).fill(1 / n);
    const svg = await figureSvg(title, { rows, columns: rows, weights, selected: 0 });
    const [width, height] = sizeOf(svg), pitch = pitchOf(svg);
    assert.ok(pitch >= 14 && pitch <= 28, `${n} tokens: ${pitch} px per cell`);
    assert.ok(height < width, `${n} tokens: ${width}×${height}: the beams no longer tower over a small heatmap`);
    assert.ok(svg.includes(`font-size="${Math.min(13, pitch - 3)}"`));
  }
  // Past 16,384 cells (a checkpoint's 512 tokens), the cells are one pixelated image instead of rectangles.
  const n = 200, rows = Array.from({ length: n }, (_, i) => `t${i}`);
  const big = await heatmapSvg(title, { rows, columns: rows, weights: new Float32Array(n * n).fill(0.5), selected: -1 });
  assert.match(big, /<image x="[\d.]+" y="[\d.]+" width="2800" height="2800" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="data:image\/png;base64,/);
});

test('export: the head grid and the comparison', async () => {
  const n = 3, matrices = Array.from({ length: 6 }, () => new Float32Array(n * n).fill(1 / 3));
  const grid = await headGridSvg(title, { layers: 2, heads: 3, n, matrices, names: matrices.map((_, i) => `pattern ${i} <b>`), selected: { layer: 1, head: 2 } });
  assert.equal(grid.match(/<image /g).length, 6);
  for (let i = 0; i < 6; i++) assert.ok(grid.includes(`>pattern ${i} &lt;b&gt;<`));
  assert.ok(grid.includes('>layer 1<') && grid.includes('>head 2<'));
  const rows = ['a', 'b'], columns = ['x', 'y', 'z'];
  const panels = [
    { title: 'First sentence', rows, columns: rows, weights: new Float32Array(4).fill(0.5), selected: 1 },
    { title: 'Cross-attention: first → second', rows, columns, weights: new Float32Array(6).fill(1 / 3), selected: -1 },
  ];
  const comparison = await comparisonSvg({ sentence: 'a b” and “x y z', subtitle: 'layer 0, head 1' }, panels);
  assert.equal(rects(comparison), 4 + 1 + 6 + 1);
  assert.ok(comparison.includes('>“a b” and “x y z”<'));
  assert.ok(comparison.includes('>Cross-attention: first → second<'));
});

test('export: PNG of a weight matrix: signature, size, and pixels zlib inflates back to viridis', async () => {
  const png = Buffer.from(await weightsPng(Float32Array.of(0, 1, 0.5, 0, 1, 1), 2, 3));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [3, 2], 'width m, height n');
  const { inflateSync, crc32 } = await import('node:zlib');
  const idat = png.indexOf('IDAT'), length = png.readUInt32BE(idat - 4);
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + length));
  assert.equal(raw.length, 2 * (1 + 3 * 3));
  assert.deepEqual([...raw.subarray(1, 4)], [68, 1, 84], 'weight 0: viridis\'s first colour');
  assert.deepEqual([...raw.subarray(4, 7)], [253, 231, 37], 'weight 1: its last');
  if (crc32) assert.equal(png.readUInt32BE(idat + 4 + length), crc32(png.subarray(idat, idat + 4 + length)));
});

test('export: the steps as CSV quote what needs quoting and keep a token from running as a formula', () => {
  const steps = {
    dk: 2, output: Float64Array.of(0.5, -0.25), total: { weight: 1, shown: 1 },
    rows: [
      { key: Float32Array.of(1, 2), value: Float32Array.of(3, 4), score: 1.5, scaled: 1.06, visible: true, weight: 0.75, shown: 1 },
      { key: Float32Array.of(0, 1), value: Float32Array.of(1, 0), score: 0, scaled: 0, visible: true, weight: 0.25, shown: null },
    ],
  };
  const csv = stepsCsv(steps, ['=HYPERLINK("x")', 'a, "b"']).split('\n');
  assert.equal(csv[0], 'key token,q·k,scaled,softmax,shown,k0,k1,v0,v1');
  assert.equal(csv[1], `"'=HYPERLINK(""x"")",1.5,1.06,0.75,1,1,2,3,4`);
  assert.equal(csv[2], '"a, ""b""",0,0,0.25,hidden,0,1,1,0');
  assert.equal(csv[3], 'total,,,1,1,,,,');
  assert.equal(csv[4], 'output Σ softmax × v,,,,,,,0.5,-0.25');
});

test('export: file names come from the sentence, in any script, and are never empty', () => {
  assert.equal(fileStem('The cat', { layer: 1, head: 2 }, 'heatmap'), 'attention-the-cat-layer1-head2-heatmap');
  assert.equal(fileStem('The cat sat on the mat.', { layer: 1, head: 2 }), 'attention-the-cat-sat-on-the-mat-layer1-head2');
  assert.equal(fileStem('Café déjà vu', { layer: 0, head: 'average' }), 'attention-cafe-deja-vu-layer0-headaverage');
  assert.equal(fileStem('猫がマットの上に座った', { layer: 0, head: 0 }), 'attention-猫がマットの上に座った-layer0-head0');
  assert.equal(fileStem('<>/\\:*?"|', { layer: 0, head: 0 }), 'attention-layer0-head0');
  assert.ok(fileStem('word '.repeat(100), { layer: 0, head: 0 }).length < 70);
});

test('share: snippets escape the sentence for the attribute or text they are in, and the permalink restores it', async () => {
  const state = { ...defaultState(), text: HOSTILE, layer: 1, head: 'average', mask: 'causal', view: 'matrix' };
  const site = 'https://example.org/attention/';
  const snippets = await shareSnippets(state, site);
  assert.ok(snippets.permalink.startsWith(site));
  assert.deepEqual(parseHash(snippets.permalink.slice(site.length)), state);
  assert.ok(snippets.embedUrl.startsWith(`${site}embed.html#`));
  for (const html of [snippets.iframe, snippets.element]) {
    assert.ok(!html.includes('<img'), html);
    assert.ok(!html.includes('</script>"'), html);
  }
  assert.match(snippets.element, /^<script src="https:\/\/example.org\/attention\/dist\/attention-view.js"><\/script>\n<attention-view sentence="&lt;img src=x onerror=alert\(1\)&gt; &quot;a&quot; &amp; &#39;b&#39; &lt;\/script&gt;" model="builtin" layer="1" head="average" token="3" view="matrix" mask="causal">/);
  assert.match((await shareSnippets({ ...state, model: 'checkpoint' }, site)).element, / model="builtin" /);  // the files stay home
  const oembed = oembedFor(snippets.embedUrl, site, { maxwidth: '500' });
  assert.deepEqual([oembed.version, oembed.type, oembed.width, oembed.height], ['1.0', 'rich', 500, 560]);
  assert.match(oembed.html, /^<iframe src="https:\/\/example.org\/attention\/embed.html#[^"]+" title="Self-attention on “&lt;img/);
  assert.equal(oembed.title, `Self-attention on “${HOSTILE}”`);
});

test('share: the embed carries the whole teaching state — comparison, mask, √d_k, temperature, hidden tokens', async () => {
  const state = { ...defaultState(), text: 'The bank', compare: 'a <b>bank</b>', mask: 'none', scaled: false, temperature: 2, hideBos: true, view: 'compare' };
  assert.deepEqual(elementAttributes(state), {
    sentence: 'The bank', model: 'builtin', layer: '0', head: '2', token: '3', view: 'compare', compare: 'a <b>bank</b>',
    mask: 'none', scaled: 'off', temperature: '2', 'hide-bos': '',
  });
  const { element, embedUrl } = await shareSnippets(state, 'https://example.org/');
  assert.match(element, / compare="a &lt;b&gt;bank&lt;\/b&gt;" mask="none" scaled="off" temperature="2" hide-bos>/);
  assert.deepEqual(parseHash(embedUrl.slice(embedUrl.indexOf('#'))), state);
  // What the element reads back from those attributes is that state.
  const settings = elementSettings((name) => elementAttributes(state)[name] ?? null);
  for (const name of ['compare', 'mask', 'scaled', 'temperature', 'hideBos', 'view']) assert.equal(settings[name], state[name], name);
});

test('share: a long text\'s snippets carry its compressed hash, and oEmbed embeds that very hash', async () => {
  const text = 'word '.repeat(1000).trim(), site = 'https://example.org/';
  const snippets = await shareSnippets({ ...defaultState(), text }, site);
  assert.match(snippets.permalink, /^https:\/\/example.org\/#z1=[\w-]+$/);
  assert.equal((await readHash(snippets.permalink.slice(site.length))).state.text, text);
  const oembed = oembedFor(snippets.embedUrl, site);
  assert.ok(oembed.html.includes(`src="${snippets.embedUrl}"`), 'the embed shows the long text, not the default one');
  assert.equal(oembed.title, 'Self-attention on a long text');
});

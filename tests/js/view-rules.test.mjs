// The rules the playground page and the <attention-view> element share (web/lib/view-rules.mjs), and the
// engine's start with its fallback to the page's thread (web/lib/compute.mjs), without a browser.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { playgroundEngine, startEngine, workerCanStart } from '../../web/lib/compute.mjs';
import { defaultState, parseHash } from '../../web/lib/state.mjs';
import { aggregateChoices, blankTextNote, computeRequest, elementSettings, firstTokenName, fitted } from '../../web/lib/view-rules.mjs';

const attributes = (given) => (name) => given[name] ?? null;

test('an element without attributes shows what the playground shows by default', () => {
  const page = defaultState();
  assert.deepEqual(elementSettings(attributes({})), {
    sentence: page.text, model: page.model, layer: page.layer, head: page.head, token: page.token, view: page.view, compare: page.compare,
    mask: page.mask, scaled: page.scaled, temperature: page.temperature, hideBos: page.hideBos, ablate: page.ablate, causal: false,
  });
  assert.deepEqual([page.head, page.token], [2, 3]);
});

test('element attributes read as the playground\'s hash fields do; invalid ones are the defaults', () => {
  const given = { sentence: ' <b>x</b> ', model: 'builtin-lens', layer: '1', head: 'rollout', token: '7', view: 'heads', causal: '' };
  assert.deepEqual(elementSettings(attributes(given)), {
    sentence: ' <b>x</b> ', model: 'builtin-lens', layer: 1, head: 'rollout', token: 7, view: 'heads', compare: '',
    mask: 'causal', scaled: true, temperature: 1, hideBos: false, ablate: '', causal: true,
  });
  // The whole teaching state: the comparison, every what-if control, the hidden special tokens.
  const teaching = { compare: 'I sat', mask: 'none', scaled: 'off', temperature: '2.5', 'hide-bos': '', view: 'compare', ablate: '2.3 0.1 0.1' };
  assert.deepEqual(Object.entries(elementSettings(attributes(teaching))).filter(([name]) => ['compare', 'mask', 'scaled', 'temperature', 'hideBos', 'view', 'ablate', 'causal'].includes(name)),
    [['view', 'compare'], ['compare', 'I sat'], ['mask', 'none'], ['scaled', false], ['temperature', 2.5], ['hideBos', true], ['ablate', '0.1 2.3'], ['causal', false]]);
  assert.equal(elementSettings(attributes({ 'hide-bos': 'off' })).hideBos, false);
  assert.equal(elementSettings(attributes({ mask: 'none', causal: '' })).mask, 'none', 'mask, when given, wins over the older causal');
  const defaults = elementSettings(attributes({}));
  for (const [name, text] of [['layer', '-1'], ['layer', '1.5'], ['head', 'median'], ['token', 'x'], ['view', 'table'], ['layer', '64'],
    ['mask', 'half'], ['temperature', '0'], ['scaled', 'no'], ['ablate', '0,1'], ['ablate', '1.x'], ['ablate', '64.0'], ['ablate', '0.256']]) {
    assert.equal(elementSettings(attributes({ [name]: text }))[name], defaults[name], `${name}="${text}"`);
    assert.equal(parseHash(`#${name}=${text}`)[name], defaults[name], `#${name}=${text}`);
  }
  assert.equal(elementSettings(attributes({ sentence: '' })).sentence, '', 'an empty sentence is a sentence');
  assert.equal(elementSettings(attributes({ model: 'gpt-9' })).model, 'gpt-9', 'the engine names a model it does not know');
});

test('the engine request: the element\'s defaults are the playground\'s what-if controls left alone', () => {
  const page = { ...defaultState(), text: 'a b' };
  assert.deepEqual(computeRequest({ model: page.model, text: 'a b', mask: page.mask }), computeRequest(page));
  assert.deepEqual(computeRequest({ ...page, layer: 2, head: 0, token: 5, view: 'heads', hideBos: true }), computeRequest(page),
    'what only changes the view is not part of the request');
  assert.deepEqual(Object.keys(computeRequest(page)), ['model', 'text', 'compare', 'mask', 'scaled', 'temperature', 'ablate', 'masked']);
  assert.deepEqual(computeRequest({ model: 'builtin', text: 'a', ablate: '0.1' }).ablate, '0.1', 'the element switches heads off too');
});

test('a blank text is not computed: it asks for a word', () => {
  for (const text of ['', ' ', '\n\t ']) assert.equal(blankTextNote(text), 'Type at least one word.');
  assert.equal(blankTextNote(' a '), null);
});

test('fitted: a layer, head or token past the model or the text becomes the last one', () => {
  const shape = { layers: 3, heads: 4, n: 6 };
  assert.deepEqual(fitted({ layer: 9, head: 9, token: 99, view: 'beams' }, shape), { layer: 2, head: 3, token: 5, view: 'beams' });
  assert.deepEqual(fitted({ layer: 1, head: 2, token: 3, view: 'heads' }, shape), { layer: 1, head: 2, token: 3, view: 'heads' });
  assert.equal(fitted({ layer: 0, head: 0, token: 0, view: 'beams' }, shape, [1, 2, 3, 4, 5]).token, 1, 'the first token hidden');
  assert.equal(fitted({ layer: 0, head: 0, token: 5, view: 'beams' }, shape, [1, 2, 3, 4]).token, 4, '[CLS] and [SEP] hidden');
  assert.equal(fitted({ layer: 0, head: 0, token: 0, view: 'compare' }, shape).view, 'beams', 'no second sentence to compare');
  assert.equal(fitted({ layer: 0, head: 0, token: 0, view: 'compare' }, { ...shape, compared: true }).view, 'compare');
  for (const head of ['average', 'rollout']) assert.equal(fitted({ layer: 0, head, token: 0, view: 'beams' }, shape).head, head);
});

test('fitted: cross-attention has no rollout (the heads\' average instead) and only the matrix view', () => {
  const cross = { layers: 2, heads: 2, n: 3, m: 5 };
  assert.deepEqual(fitted({ layer: 1, head: 'rollout', token: 0, view: 'beams' }, cross), { layer: 1, head: 'average', token: 0, view: 'matrix' });
  assert.equal(fitted({ layer: 1, head: 1, token: 0, view: 'heads' }, cross).head, 1);
  // Two sentences of one length are still two sentences.
  assert.equal(fitted({ layer: 0, head: 'rollout', token: 0, view: 'beams' }, { layers: 2, heads: 2, n: 4, m: 4, cross: true }).head, 'average');
  assert.deepEqual(aggregateChoices(false).map(([value]) => value), ['average', 'rollout']);
  assert.deepEqual(aggregateChoices(true).map(([value]) => value), ['average']);
});

test('the first token is named as the model names it when the model added it', () => {
  assert.equal(firstTokenName(['[CLS]', 'the', '[SEP]'], Uint8Array.of(1, 0, 1)), '[CLS]');
  assert.equal(firstTokenName(['<|endoftext|>', 'The'], Uint8Array.of(1, 0)), '<|endoftext|>');
  assert.equal(firstTokenName([' The', ' cat'], Uint8Array.of(0, 0)), 'the first token');
  assert.equal(firstTokenName([' hello', 'x']), '·hello', 'weights from elsewhere: the token as it shows');
});

// Stand-ins for the browser's Worker: one refused (as under a CSP without worker-src), one that starts.
class FakeWorker extends EventTarget {
  static started = [];
  constructor() {
    super();
    FakeWorker.started.push(this);
    setTimeout(() => this.dispatchEvent(this.firstEvent()));
  }
  postMessage() {}
  terminate() { this.terminated = true; }
}
class RefusedWorker extends FakeWorker {
  firstEvent() { return Object.assign(new Event('error'), { message: 'blocked by worker-src' }); }
}
class ReadyWorker extends FakeWorker {
  firstEvent() { return new MessageEvent('message', { data: { ready: { simd: true, arch: 'worker' } } }); }
}
// One that starts and answers every call with what it was asked.
class AnsweringWorker extends ReadyWorker {
  postMessage({ id, ...message }) {
    if (id !== undefined) setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: { id, result: { inWorker: message } } })));
  }
}
// One that never says it is ready (a worker whose script is still on its way).
class SilentWorker extends FakeWorker {
  firstEvent() { return new Event('nothing'); }
}
afterEach(() => { delete globalThis.Worker; FakeWorker.started = []; });
const onPage = async (options) => ({ simd: options.simd === 'auto', arch: 'test' });

test('a worker starts only over http(s) from the page\'s origin, where the browser has workers', () => {
  const page = 'https://example.org/attention/index.html';
  assert.equal(workerCanStart(page, 'https://example.org/attention/worker.mjs'), false, 'node has no Worker');
  globalThis.Worker = RefusedWorker;
  assert.equal(workerCanStart(page, 'https://example.org/attention/worker.mjs'), true);
  assert.equal(workerCanStart(page, new URL('https://example.org/dist/attention-view.js')), true);
  assert.equal(workerCanStart(page, 'https://cdn.example.com/attention-view.js'), false, 'another origin');
  assert.equal(workerCanStart('file:///home/me/post.html', 'file:///home/me/attention-view.js'), false);
  assert.equal(workerCanStart(page, null), false, 'no worker script (the offline file)');
});

test('startEngine: the core on the page where no worker can start, or when the worker fails to start', async () => {
  const fromFile = await startEngine({ pageUrl: 'file:///post.html', workerUrl: 'file:///worker.mjs', createAttention: onPage, options: { simd: 'auto' } });
  assert.deepEqual([fromFile.where, fromFile.simd, fromFile.arch], ['on the page', true, 'test']);
  assert.equal(typeof fromFile.engine.compute, 'function');

  globalThis.Worker = RefusedWorker;
  const refused = await startEngine({ pageUrl: 'http://localhost/', workerUrl: 'http://localhost/worker.mjs', createAttention: onPage, options: {} });
  assert.deepEqual([refused.where, refused.simd], ['on the page', false]);
  assert.equal(FakeWorker.started.length, 1);
  assert.equal(FakeWorker.started[0].terminated, true, 'the failed worker is ended');
});

test('startEngine: the worker when it starts', async () => {
  globalThis.Worker = ReadyWorker;
  const started = await startEngine({ pageUrl: 'http://localhost/', workerUrl: 'http://localhost/worker.mjs', createAttention: onPage, options: {} });
  assert.deepEqual([started.where, started.simd, started.arch], ['in a worker', true, 'worker']);
  assert.equal(FakeWorker.started[0].terminated, undefined);
});

// The playground's engine: the built-in models on the page, your own and the Hub's in the worker, started when
// one is first needed; without a worker, those on the page too (its one core).
test('playgroundEngine: built-in models on the page; the worker starts for your own model, once', async () => {
  globalThis.Worker = AnsweringWorker;
  const engine = playgroundEngine({ pageUrl: 'http://localhost/', workerUrl: 'http://localhost/worker.mjs', createAttention: onPage, options: {} });
  await engine.ready;
  assert.deepEqual(engine.where('builtin'), { simd: false, arch: 'test', threads: undefined, where: 'on the page' });
  assert.equal(engine.where('checkpoint'), null, 'before the worker has started');
  assert.equal(FakeWorker.started.length, 0, 'no worker for the built-in models');
  assert.deepEqual([engine.inWorker('builtin-lens'), engine.inWorker('checkpoint'), engine.inWorker('hf:gpt2@0123abcd')], [false, true, true]);
  const [loaded, info] = await Promise.all([engine.loadCheckpoint([], { name: 'mine' }), engine.hubInfo({ repo: 'gpt2' })]);
  assert.deepEqual(loaded, { inWorker: { checkpoint: [], name: 'mine' } });
  assert.deepEqual(info, { inWorker: { hubInfo: { repo: 'gpt2' } } });
  assert.equal(FakeWorker.started.length, 1, 'one worker for both');
  assert.equal(engine.where('checkpoint').where, 'in a worker');
  assert.deepEqual(await engine.compute({ model: 'checkpoint', text: 'a' }), { inWorker: { request: { model: 'checkpoint', text: 'a' } } });
});

test('playgroundEngine: where the worker cannot start, your own model loads on the page, in its one core', async () => {
  globalThis.Worker = RefusedWorker;
  let cores = 0;
  const core = async (options) => (cores++, { ...(await onPage(options)), loadCheckpoint: async () => ({ config: { name: 'mine' } }) });
  const engine = playgroundEngine({ pageUrl: 'http://localhost/', workerUrl: 'http://localhost/worker.mjs', createAttention: core, options: {} });
  await engine.ready;
  assert.deepEqual(await engine.loadCheckpoint([], {}), { config: { name: 'mine' } });
  assert.equal(engine.where('checkpoint').where, 'on the page');
  assert.equal(FakeWorker.started[0].terminated, true);
  assert.equal(cores, 1, 'the page\'s core, not a second one');
});

test('playgroundEngine: a cancel stops a load at once while the worker still starts', async () => {
  globalThis.Worker = SilentWorker;
  const engine = playgroundEngine({ pageUrl: 'http://localhost/', workerUrl: 'http://localhost/worker.mjs', createAttention: onPage, options: {} });
  await engine.ready;
  const controller = new AbortController();
  const load = engine.loadFromHub({ repo: 'gpt2' }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 10);
  await assert.rejects(load, { name: 'AbortError' });
  await assert.rejects(engine.loadCheckpoint([], { signal: AbortSignal.abort() }), { name: 'AbortError' }, 'cancelled before it is asked');
});

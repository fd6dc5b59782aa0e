// attn.loadFromHub against a stand-in Hub (tests/hub/stand-in-hub.mjs) on 127.0.0.1: the same Model as
// loadCheckpoint of the same files, legacy names followed to the canonical repository, the weights read in
// byte ranges only (and only the tensors the core needs), sharded checkpoints, pinned commits, a mirror without
// the API, a cancel that frees everything, and every error naming the repository and what to do.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { startStandInHub } from '../hub/stand-in-hub.mjs';
import { builds, fixtureFiles, relativeError } from './helpers.mjs';

const attn = builds.simd;
const fixtures = new URL('../fixtures/checkpoints/', import.meta.url);
let hub;
before(async () => { hub = await startStandInHub(); });
after(() => hub?.close());

const referenceOf = async (model) => JSON.parse(await readFile(new URL(`${model}/reference.json`, fixtures), 'utf8'));
// The requests made by `load` (a function), as the stand-in saw them.
async function requestsOf(load) {
  const from = hub.requests.length;
  const result = await load();
  return { result, requests: hub.requests.slice(from) };
}
const requestsDuring = async (load) => {
  const from = hub.requests.length;
  await load().catch(() => {});
  return hub.requests.slice(from);
};
const endpoint = () => hub.endpoint;

test('a legacy name opens the canonical repository: the same model as its files through loadCheckpoint, as PyTorch computes it', async () => {
  const cases = [['gpt2', 'openai-community/gpt2', 'gpt2'], ['bert-base-uncased', 'google-bert/bert-base-uncased', 'bert'],
    ['distilbert-base-uncased', 'distilbert/distilbert-base-uncased', 'distilbert'], ['distilgpt2', 'distilbert/distilgpt2', 'gpt2-bf16']];
  for (const [name, canonical, fixture] of cases) {
    const { result: model, requests } = await requestsOf(() => attn.loadFromHub(name, { endpoint: endpoint() }));
    const local = await attn.loadCheckpoint(await fixtureFiles(fixture));
    assert.equal(model.config.name, canonical, 'the model is named by its repository');
    assert.deepEqual({ ...model.config, name: null }, { ...local.config, name: null });
    assert.deepEqual([model.hub.repo, model.hub.revision, model.hub.endpoint, model.hub.kept], [canonical, 'main', endpoint(), false]);
    assert.match(model.hub.sha, /^[0-9a-f]{40}$/);
    assert.equal(requests[0].url, `/api/models/${name}/revision/main?blobs=true`);
    assert.equal(requests[1].url, `/api/models/${canonical}/revision/main?blobs=true`, 'the 307 to the canonical name followed');
    assert.ok(requests.slice(2).every((r) => r.url.startsWith(`/${canonical}/resolve/${model.hub.sha}/`) || r.where === 'storage'), 'files pinned to the commit');
    for (const c of (await referenceOf(fixture)).cases) {
      const ours = model.run(c.text, { hidden: true }), theirs = local.run(c.text, { hidden: true });
      assert.deepEqual([...ours.ids], c.ids);
      assert.deepEqual(ours.attentions, theirs.attentions, `${name}: the same numbers as from the files`);
      assert.ok(relativeError(ours.attentions, c.attentions) < 1e-4, `${name}: ${c.text}`);
    }
    model.dispose();
    local.dispose();
  }
});

test('the weights are read in byte ranges only: the length, the header, then the needed tensors in one request per run; other files never', async () => {
  const { result: model, requests } = await requestsOf(() => attn.loadFromHub('google-bert/bert-base-uncased', { endpoint: endpoint() }));
  const size = (await readFile(new URL('bert/model.safetensors', fixtures))).length;
  const weights = requests.filter((r) => r.url.includes('model.safetensors') || r.where === 'storage');
  assert.ok(weights.every((r) => r.range !== null), 'every request for the weights has a Range');
  const storage = weights.filter((r) => r.where === 'storage');
  assert.equal(storage[0].range, 'bytes=0-7');
  const read = storage.reduce((sum, r) => sum + r.bytes, 0);
  assert.ok(read < size, `read ${read} of the ${size} bytes: the MLM head and position ids are skipped`);
  assert.equal(read - 8 - storage[1].bytes, model.hub.downloaded - storage[1].bytes - 8 - (334 + 818 + 66), 'only what was asked for arrived');
  const names = requests.filter((r) => r.where === 'hub' && r.url.includes('/resolve/')).map((r) => decodeURIComponent(r.url.split('/').pop()));
  assert.deepEqual([...new Set(names)].sort(), ['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);
  assert.ok(!requests.some((r) => /README|pytorch_model|onnx|gitattributes/.test(r.url)), 'files the core does not read are never asked for');
  assert.ok(requests.every((r) => r.method === 'GET'), 'no HEAD: the API gave every size');
  model.dispose();
});

test('a sharded checkpoint loads shard by shard, the same model as the single file', async () => {
  const { result: model, requests } = await requestsOf(() => attn.loadFromHub('test/sharded', { endpoint: endpoint() }));
  const single = await attn.loadCheckpoint(await fixtureFiles('gpt2'));
  assert.deepEqual(model.run('The cat sat.').attentions, single.run('The cat sat.').attentions);
  const shards = new Set(requests.filter((r) => /model-\d+-of-\d+/.test(r.url)).map((r) => r.url.split('/').pop()));
  assert.deepEqual([...shards].sort(), ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  model.dispose();
  single.dispose();
});

test('a commit pins the weights; a revision that is not there is named', async () => {
  const first = await attn.loadFromHub('openai-community/gpt2', { endpoint: endpoint() });
  const pinned = await attn.loadFromHub('gpt2', { endpoint: endpoint(), revision: first.hub.sha });
  assert.deepEqual([pinned.hub.repo, pinned.hub.sha, pinned.hub.revision], ['openai-community/gpt2', first.hub.sha, first.hub.sha]);
  await assert.rejects(attn.loadFromHub('gpt2', { endpoint: endpoint(), revision: 'v9' }),
    /^Error: gpt2: the branch, tag or commit asked for is not on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404: Invalid rev id: v9\)$/);
  first.dispose();
  pinned.dispose();
});

test('hubInfo says what opening a model downloads, as the API reports it', async () => {
  const info = await attn.hubInfo('gpt2', { endpoint: endpoint() });
  const sizes = Object.fromEntries(await Promise.all(['config.json', 'vocab.json', 'merges.txt', 'model.safetensors']
    .map(async (name) => [name, (await readFile(new URL(`gpt2/${name}`, fixtures))).length])));
  assert.deepEqual(info.files.map((f) => [f.name, f.size]), Object.entries(sizes));
  assert.equal(info.bytes, Object.values(sizes).reduce((a, b) => a + b, 0));
  assert.deepEqual([info.repo, info.kept, info.revision], ['openai-community/gpt2', false, 'main']);
});

test('every failure names the repository and says what to do, and the module keeps working', async () => {
  const before = attn.heapStats().allocatedBytes;
  const cases = [
    ['nobody/nothing', /^Error: nobody\/nothing: not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404: Repository not found\); check the name$/],
    ['test/private', /^Error: test\/private: not found on .*, or private or gated \(HTTP 401: Repository not found\); check the name\. This playground reads public models only and sends no token/],
    ['test/gated', /^Error: test\/gated: gated on .*: its files need an account that accepted its terms\. This playground reads public models only and sends no token: download its files yourself and open them with “Your own model…”$/],
    ['test/t5', /^RangeError: test\/t5: config\.json: "model_type" is "t5"; this playground reads bert, distilbert, roberta, gpt2, llama/],
    ['test/pickle-only', /^Error: test\/pickle-only: has no model\.safetensors at commit [0-9a-f]{7} \(only pytorch_model\.bin and the like, which this playground does not read\); this playground reads safetensors checkpoints only$/],
    ['test/no-ranges', /^Error: test\/no-ranges: model\.safetensors: 127\.0\.0\.1:\d+ does not answer byte-range requests \(it sent the whole file, HTTP 200\); .* needs a server with range support \(HTTP 206\)$/],
    ['test/drop', /^Error: test\/drop: model\.safetensors: the connection to 127\.0\.0\.1:\d+ was lost after [\d.]+ kB; try again$/],
    ['test/long-body', /^Error: test\/long-body: model\.safetensors: 127\.0\.0\.1:\d+ sent more bytes than were asked for; refusing an answer of the wrong length$/],
    ['test/wrong-range', /^Error: test\/wrong-range: model\.safetensors: 127\.0\.0\.1:\d+ answered with bytes 0-\d+\/160912 to a request for bytes 2448-157711 of 160912; refusing it$/],
    ['test/ftp-redirect', /^Error: test\/ftp-redirect: model\.safetensors: could not reach 127\.0\.0\.1:\d+ \(URL scheme must be a HTTP\(S\) scheme\)/],
    ['test/wrong-shape', /^Error: test\/wrong-shape: the API of .* answered with JSON of an unexpected shape \("siblings" is not a list of \{ rfilename \}\); is .* a Hugging Face Hub or a mirror of it\?$/],
  ];
  for (const [repo, message] of cases) {
    const requests = await requestsDuring(() => attn.loadFromHub(repo, { endpoint: endpoint() }));
    await assert.rejects(attn.loadFromHub(repo, { endpoint: endpoint() }), (error) => {
      assert.match(`${error.name}: ${error.message}`, message);
      return true;
    });
    if (repo === 'test/gated' || repo === 'test/private') assert.equal(requests.length, 1, `${repo}: no file is asked for`);
    if (repo === 'test/t5') assert.ok(requests.filter((r) => r.where === 'storage').every((r) => r.bytes < 4096), 'no tensor is read');
  }
  assert.equal(attn.heapStats().allocatedBytes, before, 'nothing left in the wasm heap');
  const model = await attn.loadFromHub('gpt2', { endpoint: endpoint() });
  assert.equal(model.run('works').tokens[0], '<|endoftext|>');
  model.dispose();
});

test('the network down: named, with the host it could not reach', async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address();
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(attn.loadFromHub('gpt2', { endpoint: `http://127.0.0.1:${port}` }),
    new RegExp(`^Error: gpt2: config\\.json: could not reach 127\\.0\\.0\\.1:${port} \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); check the network connection`));
});

test('names, revisions, endpoints and options are checked before any request', async () => {
  const bad = [
    [['../etc/passwd'], /^RangeError: repo: '\.\.\/etc\/passwd' is not a repository name on the Hugging Face Hub \(it has more than one '\/'\)/],
    [['a--b'], /^RangeError: repo: 'a--b' is not a repository name .*\(it has '--' or '\.\.'\)/],
    [['owner/name.git'], /\(it ends in '\.git'\)/],
    [[`x${'y'.repeat(96)}`], /\(a part is longer than 96 characters\)/],
    [['-start'], /\(each part must be letters, digits/],
    [['gpt 2'], /each part must be/],
    [[''], /^RangeError: repo: '' is not a repository name/],
    [[42], /^TypeError: repo: expected a repository name such as 'openai-community\/gpt2', got number/],
    [['gpt2', { revision: '../main' }], /^RangeError: revision: '\.\.\/main' is not a branch/],
    [['gpt2', { revision: 'a..b' }], /^RangeError: revision: /],
    [['gpt2', { endpoint: 'ftp://example.org' }], /^RangeError: endpoint: 'ftp:\/\/example\.org' cannot be a hub \(it is not http: or https:\)/],
    [['gpt2', { endpoint: 'https://user:pw@example.org' }], /\(it holds a user name or password\)/],
    [['gpt2', { endpoint: 'https://example.org/?q=1' }], /\(it has a query or a fragment\)/],
    [['gpt2', { endpoint: 'https://ex;ample.org' }], /\(its host name has characters a host name cannot have\)/],
    [['gpt2', { endpoint: 'not a url' }], /^RangeError: endpoint: 'not a url' is not a URL/],
    [['gpt2', { signal: {} }], /^TypeError: signal: expected an AbortSignal \(AbortController's signal\), got an Object$/],
    [['gpt2', { onProgress: 1 }], /^TypeError: onProgress: expected a function, got 1$/],
    [['gpt2', 'main'], /^TypeError: options: expected an object of named arguments, got a string$/],
  ];
  const from = hub.requests.length;
  for (const [args, message] of bad) {
    await assert.rejects(attn.loadFromHub(...args.map((a, i) => (i === 1 && typeof a === 'object' ? { endpoint: endpoint(), ...a } : a))), (error) => {
      assert.match(`${error.name}: ${error.message}`, message);
      return true;
    });
  }
  assert.equal(hub.requests.length, from, 'not one request');
});

test('a cancel rejects at once with an AbortError and frees everything; the module keeps working', async () => {
  const before = attn.heapStats().allocatedBytes;
  const controller = new AbortController();
  let loaded = 0;
  const load = attn.loadFromHub('test/slow', { endpoint: endpoint(), signal: controller.signal, onProgress: (p) => { loaded = p.loaded; } });
  while (loaded === 0) await new Promise((resolve) => setTimeout(resolve, 20));  // the weights are on their way
  const cancelled = performance.now();
  controller.abort();
  await assert.rejects(load, { name: 'AbortError' });
  assert.ok(performance.now() - cancelled < 200, `rejected ${performance.now() - cancelled} ms after the cancel`);
  assert.equal(attn.heapStats().allocatedBytes, before);
  // Cancelled before it starts: no request at all.
  const from = hub.requests.length;
  await assert.rejects(attn.loadFromHub('gpt2', { endpoint: endpoint(), signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal(hub.requests.length, from);
  const model = await attn.loadFromHub('gpt2', { endpoint: endpoint() });
  model.dispose();
});

test('a slow hub still loads, with progress in bytes that only grows and ends at the total', async () => {
  const progress = [];
  const started = performance.now();
  const model = await attn.loadFromHub('test/slow', { endpoint: endpoint(), onProgress: (p) => progress.push(p) });
  assert.ok(performance.now() - started > 1500, 'the API answered after 1.5 s');
  assert.ok(progress.length > 3);
  assert.ok(progress.every((p, i) => p.total === progress[0].total && (i === 0 || p.loaded >= progress[i - 1].loaded)));
  assert.deepEqual(progress.at(-1), { loaded: progress[0].total, total: progress[0].total });
  model.dispose();
});

test('where the API is missing (a plain mirror), the files are asked for by name; without sizes, the answers give them', async () => {
  const mirror = await startStandInHub({ api: false });
  try {
    const from = mirror.requests.length;
    const model = await attn.loadFromHub('gpt2', { endpoint: mirror.endpoint });
    const requests = mirror.requests.slice(from);
    assert.equal(model.config.name, 'openai-community/gpt2', 'the canonical name from the redirect of config.json');
    assert.match(model.hub.sha, /^[0-9a-f]{40}$/, 'the commit from X-Repo-Commit');
    assert.ok(requests.some((r) => r.method === 'HEAD' && r.url.endsWith('/merges.txt')));
    assert.deepEqual(model.run('The cat').attentions, (await attn.loadCheckpoint(await fixtureFiles('gpt2'))).run('The cat').attentions);
    model.dispose();
  } finally {
    await mirror.close();
  }
  const model = await attn.loadFromHub('test/no-sizes', { endpoint: endpoint() });
  assert.equal(model.run('a').tokens.length, 2);
  model.dispose();
});

test('a redirect to the page\'s own origin is refused, and a size the API claims above the core\'s limit is refused before the file is read', async () => {
  // As in a page served from the stand-in's storage origin (node has no page: its origin stands in for one).
  hub.pageOrigin = hub.storage;
  globalThis.location = { origin: hub.storage };
  try {
    await assert.rejects(attn.loadFromHub('test/page-redirect', { endpoint: endpoint() }),
      /^Error: test\/page-redirect: model\.safetensors: http:\/\/127\.0\.0\.1:\d+ redirected it to http:\/\/127\.0\.0\.1:\d+, this page's own origin; refusing to read it from there$/);
  } finally {
    delete globalThis.location;
  }
  const requests = await requestsDuring(() => attn.loadFromHub('test/huge-vocab', { endpoint: endpoint() }));
  await assert.rejects(attn.loadFromHub('test/huge-vocab', { endpoint: endpoint() }),
    /^RangeError: test\/huge-vocab: vocab\.json: is 100000000 bytes \(95\.4 MiB\), more than the 67108864 bytes \(64\.0 MiB\) a config or tokenizer file may have$/);
  assert.ok(!requests.some((r) => r.url.endsWith('/vocab.json')), 'vocab.json is never asked for');
});

// A stand-in for the Hugging Face Hub on 127.0.0.1, started by the tests (the real Hub is out of reach here).
// Two servers, as the Hub is two kinds of host: the hub itself (its API and small files, under the Hub's URL
// scheme) and a storage host on another origin that it redirects large files to (302), which serves byte ranges.
//   GET  /api/models/{repo}/revision/{revision}[?blobs=true]  { id, modelId, sha, gated, private, siblings: [{ rfilename, size?, lfs? }] }
//   GET  /api/models/{repo}/tree/{revision}                   [{ type, path, size, oid, lfs? }]
//   GET|HEAD /{repo}/resolve/{revision}/{file}                small files here (ranges too), .safetensors -> 302 to storage
//   storage: GET|HEAD /repos/{repo id}/{sha256}?Expires=…&Signature=…   bytes, Range -> 206 + Content-Range
// with the Hub's CORS headers (preflights answered), ETags, X-Repo-Commit and X-Linked-Size, legacy names
// without an owner redirected (307, relative) to their canonical repository, and repositories that fail as real
// ones do (standInRepos). Every request is recorded, with the bytes of its body, so that tests can say exactly what
// was asked for.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpt2Shapes, shardSafetensors, writeHalfSafetensors } from '../../tools/fixtures/synthetic-checkpoint.mjs';

const fixtures = fileURLToPath(new URL('../fixtures/checkpoints/', import.meta.url));
const sha1 = (text) => createHash('sha1').update(text).digest('hex');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const CHUNK = 16384;

// Legacy names the Hub redirects, as it does for the models this playground suggests.
export const LEGACY = {
  gpt2: 'openai-community/gpt2', 'bert-base-uncased': 'google-bert/bert-base-uncased',
  'distilbert-base-uncased': 'distilbert/distilbert-base-uncased', distilgpt2: 'distilbert/distilgpt2',
};

async function fixtureFiles(name) {
  const folder = `${fixtures}${name}/`;
  const names = (await readdir(folder)).filter((file) => file !== 'reference.json');
  return Object.fromEntries(await Promise.all(names.map(async (file) => [file, new Uint8Array(await readFile(folder + file))])));
}

// Files a real repository has besides the ones read, which must never be requested.
const EXTRAS = {
  'README.md': new TextEncoder().encode('# A model card\n'), '.gitattributes': new TextEncoder().encode('*.safetensors filter=lfs\n'),
  'pytorch_model.bin': new Uint8Array(64), 'onnx/model.onnx': new Uint8Array(32),
};

// name -> { files, ...behaviour }. Behaviours: gated, private (the API refuses, files 401), slowApi (ms before the
// API answers), trickle (ms between 16 KiB chunks of large files), drop (storage drops the connection half way
// through every range of weights), noRanges (storage ignores Range), longBody (206 with 100 bytes too many),
// wrongRange (206 with another range's Content-Range), redirectTo ('ftp', 'page': the large files' redirect goes
// there), shape (the API's answer has the wrong shape), noSizes (the API gives no sizes, nor the tree), sizes
// (sizes the API claims for some files instead of theirs).
export async function standInRepos() {
  const gpt2 = await fixtureFiles('gpt2');
  const shards = shardSafetensors(gpt2['model.safetensors'], 2);
  const { 'model.safetensors': _, ...gpt2Small } = gpt2;
  const sharded = { ...gpt2Small, 'model.safetensors.index.json': new TextEncoder().encode(shards.index) };
  for (const [file, bytes] of Object.entries(shards)) if (file !== 'index') sharded[file] = bytes;
  const config = JSON.parse(new TextDecoder().decode(gpt2['config.json']));
  const t5 = { ...gpt2, 'config.json': new TextEncoder().encode(JSON.stringify({ ...config, model_type: 't5' })) };  // a family the core does not read
  const repos = {
    'openai-community/gpt2': { files: { ...gpt2, ...EXTRAS } },
    'google-bert/bert-base-uncased': { files: { ...await fixtureFiles('bert'), ...EXTRAS } },
    'distilbert/distilbert-base-uncased': { files: { ...await fixtureFiles('distilbert'), ...EXTRAS } },
    'distilbert/distilgpt2': { files: { ...await fixtureFiles('gpt2-bf16'), ...EXTRAS } },
    'test/sharded': { files: sharded },
    'test/t5': { files: t5 },
    'test/pickle-only': { files: { 'config.json': gpt2['config.json'], 'pytorch_model.bin': new Uint8Array(64) } },
    'test/gated': { files: gpt2, gated: true },
    'test/private': { files: gpt2, private: true },
    'test/slow': { files: gpt2, slowApi: 1500, trickle: 40 },
    'test/drop': { files: gpt2, drop: true },
    'test/no-ranges': { files: gpt2, noRanges: true },
    'test/long-body': { files: gpt2, longBody: true },
    'test/wrong-range': { files: gpt2, wrongRange: true },
    'test/ftp-redirect': { files: gpt2, redirectTo: 'ftp' },
    'test/page-redirect': { files: gpt2, redirectTo: 'page' },
    'test/wrong-shape': { files: gpt2, shape: true },
    'test/no-sizes': { files: gpt2, noSizes: true },
    'test/huge-vocab': { files: gpt2, sizes: { 'vocab.json': 100e6 } },
  };
  return repos;
}

// A GPT-2-shaped checkpoint of `layers` layers of dModel 768 with the fixture's tokenizer, its weights float16
// zeros (127 MB for 9 layers): above the size the page confirms, and slow enough to watch it load.
export async function largeGpt2Files(layers = 9) {
  const small = await fixtureFiles('gpt2');
  const config = { ...JSON.parse(new TextDecoder().decode(small['config.json'])), n_embd: 768, n_layer: layers, n_head: 12 };
  const folder = await mkdtemp(join(tmpdir(), 'stand-in-hub-'));
  try {
    await writeHalfSafetensors(join(folder, 'model.safetensors'), gpt2Shapes({ vocab: config.vocab_size, d: 768, layers, positions: config.n_positions }), { sparse: true });
    const weights = new Uint8Array(await readFile(join(folder, 'model.safetensors')));
    return { ...small, 'config.json': new TextEncoder().encode(JSON.stringify(config)), 'model.safetensors': weights };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, ETag, X-Repo-Commit, X-Linked-Size, X-Linked-Etag, X-Error-Code, Accept-Ranges',
};

// Bytes [begin, end] of `size` from a Range header: [begin, end) or null (none), or 'unsatisfiable'.
function parseRange(header, size) {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return 'unsatisfiable';
  const begin = match[1] === '' ? size - Number(match[2]) : Number(match[1]);
  const end = match[1] === '' || match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
  return begin >= 0 && begin < end ? [begin, end] : 'unsatisfiable';
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// options: { repos (standInRepos()), api (false: a mirror without the API) }. -> { endpoint, storage, requests,
// repos, pageOrigin (where 'page' redirects go; set it to the page's origin), close() (both, connections dropped) }.
export async function startStandInHub({ repos, api = true } = {}) {
  repos ??= await standInRepos();
  const blobs = new Map();  // '{repo id}/{sha256}' -> { bytes, repo }: each repository's own, with its behaviour
  for (const [name, repo] of Object.entries(repos)) {
    repo.sha ??= sha1(name);
    repo.id = sha1(`storage ${name}`).slice(0, 12);
    for (const bytes of Object.values(repo.files)) blobs.set(`${repo.id}/${sha256(bytes)}`, { bytes, repo });
  }
  const requests = [];
  let endpoint, storage;

  // Sends bytes (whole, or the asked range) with the behaviour of the repository they belong to.
  async function sendBytes(request, response, record, bytes, repo, headers, large) {
    const range = repo.noRanges ? null : parseRange(request.headers.range, bytes.length);
    if (range === 'unsatisfiable') {
      response.writeHead(416, { ...CORS, 'Content-Range': `bytes */${bytes.length}` });
      return response.end();
    }
    const [begin, end] = range ?? [0, bytes.length];
    const body = bytes.subarray(begin, end);
    const extra = large && range && repo.longBody ? new Uint8Array(100) : new Uint8Array(0);
    const shown = large && range && repo.wrongRange ? `bytes 0-${end - begin - 1}/${bytes.length}` : `bytes ${begin}-${end - 1}/${bytes.length}`;
    response.writeHead(range ? 206 : 200, {
      ...CORS, ...headers, 'Accept-Ranges': 'bytes', 'Content-Length': body.length + extra.length,
      'Content-Type': 'application/octet-stream', ...(range ? { 'Content-Range': shown } : {}),
    });
    if (request.method === 'HEAD') return response.end();
    const chunks = [...Array(Math.ceil(body.length / CHUNK)).keys()].map((i) => body.subarray(i * CHUNK, (i + 1) * CHUNK));
    for (const [i, chunk] of chunks.entries()) {
      if (large && repo.drop && i >= chunks.length / 2) {
        response.socket.destroy();  // the connection lost half way, as a mobile network does
        return;
      }
      if (large && repo.trickle) await wait(repo.trickle);
      if (response.destroyed) return;
      await new Promise((resolve) => response.write(chunk, resolve));  // on the wire before the next (or a drop)
      record.bytes += chunk.length;
    }
    response.write(extra);
    response.end();
  }

  function json(response, status, value, headers = {}) {
    const body = JSON.stringify(value);
    response.writeHead(status, { ...CORS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
    response.end(body);
  }
  const notFound = (response) => json(response, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
  const refused = (response, repo) => json(response, 401, { error: repo?.gated ? 'Access to this model is restricted. You must be authenticated to access it.' : 'Repository not found' },
    { 'X-Error-Code': repo?.gated ? 'GatedRepo' : 'RepoNotFound' });

  async function hub(request, response, record) {
    const url = new URL(request.url, endpoint);
    const path = decodeURIComponent(url.pathname);
    const apiMatch = /^\/api\/models\/(.+)\/(revision|tree)\/([^/]+)$/.exec(path);
    const fileMatch = /^\/(.+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const repoName = apiMatch?.[1] ?? fileMatch?.[1];
    if (LEGACY[repoName]) {  // a renamed repository: a relative redirect, as the Hub sends
      response.writeHead(307, { ...CORS, Location: `${url.pathname.replace(`/${repoName}/`, `/${LEGACY[repoName]}/`)}${url.search}` });
      return response.end();
    }
    const repo = repos[repoName];
    const revision = apiMatch?.[3] ?? fileMatch?.[2];
    if (apiMatch && !api) return json(response, 404, 'Not Found');
    if (!repo) return notFound(response);
    if (revision !== 'main' && revision !== repo.sha) return json(response, 404, { error: `Invalid rev id: ${revision}` }, { 'X-Error-Code': 'RevisionNotFound' });
    if (apiMatch) {
      if (repo.private) return refused(response, repo);
      if (repo.slowApi) await wait(repo.slowApi);
      if (repo.shape) return json(response, 200, { id: repoName, sha: repo.sha, siblings: 'model.safetensors' });
      const sized = url.searchParams.get('blobs') === 'true' && !repo.noSizes;
      const entries = Object.entries(repo.files);
      if (apiMatch[2] === 'tree') {
        if (repo.noSizes) return notFound(response);
        return json(response, 200, entries.filter(([name]) => !name.includes('/')).map(([name, bytes]) => ({
          type: 'file', path: name, size: bytes.length, oid: sha1(bytes), ...(name.endsWith('.safetensors') ? { lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: 134 } } : {}),
        })));
      }
      const sizeOf = (name, bytes) => repo.sizes?.[name] ?? bytes.length;
      return json(response, 200, {
        _id: sha1(`id${repoName}`), id: repoName, modelId: repoName, sha: repo.sha, private: false, gated: repo.gated ? 'manual' : false, disabled: false,
        siblings: entries.map(([name, bytes]) => (sized ? {
          rfilename: name, size: sizeOf(name, bytes), blobId: sha1(bytes),
          ...(name.endsWith('.safetensors') ? { lfs: { sha256: sha256(bytes), size: sizeOf(name, bytes), pointerSize: 134 } } : {}),
        } : { rfilename: name })),
      });
    }
    if (!fileMatch) return notFound(response);
    if (repo.gated || repo.private) return refused(response, repo);
    const bytes = repo.files[fileMatch[3]];
    if (!bytes) return json(response, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
    const headers = { 'X-Repo-Commit': repo.sha, ETag: `"${sha1(bytes)}"` };
    if (fileMatch[3].endsWith('.safetensors')) {  // large files live on the storage host
      const target = repo.redirectTo === 'ftp' ? `ftp://127.0.0.1/${sha256(bytes)}`
        : repo.redirectTo === 'page' ? `${standIn.pageOrigin}/index.html`
          : `${storage}/repos/${repo.id}/${sha256(bytes)}?Expires=${Date.now() + 3600000}&Signature=stand-in`;
      response.writeHead(302, { ...CORS, ...headers, 'X-Linked-Size': bytes.length, 'X-Linked-Etag': `"${sha256(bytes)}"`, Location: target });
      return response.end();
    }
    return sendBytes(request, response, record, bytes, repo, headers, false);
  }

  async function store(request, response, record) {
    const blob = blobs.get(/^\/repos\/([0-9a-f]{12}\/[0-9a-f]{64})$/.exec(new URL(request.url, storage).pathname)?.[1]);
    if (!blob) {
      response.writeHead(403, { ...CORS, 'Content-Type': 'text/plain' });
      return response.end('AccessDenied');
    }
    return sendBytes(request, response, record, blob.bytes, blob.repo, { ETag: `"${sha256(blob.bytes)}"` }, true);
  }

  const serve = (where, handler) => createServer((request, response) => {
    const record = { where, method: request.method, url: request.url, range: request.headers.range ?? null, bytes: 0, origin: request.headers.origin ?? null };
    requests.push(record);
    if (request.method === 'OPTIONS') {  // a CORS preflight (a Range header outside the safelisted forms)
      response.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': 'Range, Content-Type', 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Max-Age': '600' });
      return response.end();
    }
    handler(request, response, record).catch((error) => { response.destroy(); console.error(error); });
  });
  const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
  const hubServer = serve('hub', hub), storageServer = serve('storage', store);
  [endpoint, storage] = await Promise.all([listen(hubServer), listen(storageServer)]);
  const close = () => Promise.all([hubServer, storageServer].map((server) => new Promise((done) => { server.close(done); server.closeAllConnections(); })));
  const standIn = { endpoint, storage, requests, repos, pageOrigin: 'http://localhost:1', close };
  return standIn;
}

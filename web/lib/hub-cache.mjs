// Models read from a hub, kept on this device: a second visit opens them without downloading, and the installed
// playground opens them with the network off. In Cache Storage rather than OPFS: it is there in every engine's
// pages and workers wherever service workers are, an entry is written whole or not at all, and the browser counts
// it in the site's quota and clears it with the site's data. It refuses partial (206) answers, so what is kept is
// not the hub's answers but the bytes read, each range as its own entry (a 200 made here): the small files whole,
// each safetensors file's length and header, and each tensor read — never the tensors the core skipped.
//
// A model counts as kept only once its manifest is written, after all its entries. A load that stops half way
// (a dropped connection) leaves entries without a manifest: a later load of the same commit reads them instead
// of the network (it resumes), and the list of models on this device shows them as incomplete. A cancelled load,
// a model the core refuses, or a full quota deletes them. Keys (Cache Storage takes http(s) URLs; this host
// does not exist, and each part is percent-encoded):
//   https://attention-playground.invalid/hub/model/<endpoint>/<repo>/<commit>/<file>/<begin>-<end>
//   https://attention-playground.invalid/hub/model/<endpoint>/<repo>/<commit>/manifest.json
//   https://attention-playground.invalid/hub/alias/<endpoint>/<repo as asked>/<revision>   -> { repo, sha }
import { byteSize } from './hub-http.mjs';
import { isCommit, isRepository } from './hub-names.mjs';

// Not 'attention-playground-…': web/sw.js deletes those caches when a new version of the playground activates.
const CACHE_NAME = 'attention-hub-models';
const ROOT = 'https://attention-playground.invalid/hub/';
const enc = encodeURIComponent;
const MAX_PENDING_BYTES = 64 << 20;  // what waits to be written before reading goes on (besides one big tensor)

// Cache Storage is there in secure contexts; pages of an opaque origin (file://, sandboxed frames) have it but
// may not open it (SecurityError): for them nothing is kept, and nothing is found.
export const canKeep = () => typeof caches === 'object' && caches !== null;
const open = () => caches.open(CACHE_NAME);
const orNothing = (find, nothing) => async (...args) => {
  try {
    return canKeep() ? await find(...args) : nothing;
  } catch {
    return nothing;
  }
};

const modelRoot = ({ endpoint, repo, sha }) => `${ROOT}model/${enc(endpoint)}/${enc(repo)}/${sha}/`;
const manifestKey = (model) => `${modelRoot(model)}manifest.json`;
const aliasKey = (endpoint, repo, revision) => `${ROOT}alias/${enc(endpoint)}/${enc(repo)}/${enc(revision)}`;
const asJson = (value) => new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } });

async function readJson(cache, key) {
  try {
    return (await (await cache.match(key))?.json()) ?? null;
  } catch {
    return null;
  }
}

// The manifest of the model kept for (endpoint, repo, revision) — through the alias written when it was kept
// (a branch such as 'main', or a legacy name), or the commit itself — or null.
export const findKept = orNothing(async ({ endpoint, repo, revision }) => {
  const cache = await open();
  const pinned = await readJson(cache, aliasKey(endpoint, repo, revision)) ?? (isCommit(revision) ? { repo, sha: revision } : null);
  if (!isRepository(pinned?.repo) || !isCommit(pinned?.sha)) return null;
  const manifest = await readJson(cache, manifestKey({ endpoint, repo: pinned.repo, sha: pinned.sha }));
  return manifest?.sha === pinned.sha && manifest.repo === pinned.repo ? manifest : null;
}, null);

// Remembers that (endpoint, repo, revision) as a reader asked for it — a legacy name, a branch — leads to the
// kept model { repo, sha }, so that asking the same way opens it without the network.
export const keepAlias = orNothing(async ({ endpoint, repo, revision }, kept) => {
  await (await open()).put(aliasKey(endpoint, repo, revision), asJson({ repo: kept.repo, sha: kept.sha }));
}, undefined);

// Every model on this device, newest first: [{ endpoint, repo, sha, bytes, complete, config, savedAt }]; an
// incomplete one is what a load that stopped half way left (bytes: what it holds so far).
export const keptModels = orNothing(async () => {
  const cache = await open();
  const models = new Map();
  for (const { url } of await cache.keys()) {
    const match = /^model\/([^/]+)\/([^/]+)\/([0-9a-f]{40})\/(.+)$/.exec(url.slice(ROOT.length));
    if (!match) continue;
    const [, endpoint, repo, sha, rest] = match;
    const id = `${endpoint}/${repo}/${sha}`;
    if (!models.has(id)) models.set(id, { endpoint: decodeURIComponent(endpoint), repo: decodeURIComponent(repo), sha, bytes: 0, complete: false, config: null, savedAt: 0 });
    const model = models.get(id), range = /\/(\d+)-(\d+)$/.exec(rest);
    if (rest === 'manifest.json') model.complete = true;
    else if (range) model.bytes += Number(range[2]) - Number(range[1]);
  }
  for (const model of models.values()) {
    if (!model.complete) continue;
    const manifest = await readJson(cache, manifestKey(model));
    Object.assign(model, { config: manifest?.config ?? null, savedAt: manifest?.savedAt ?? 0 });
  }
  return [...models.values()].sort((a, b) => b.savedAt - a.savedAt || a.repo.localeCompare(b.repo));
}, []);

// Deletes a model's entries (complete or not) and the aliases that lead to it.
export async function deleteKept({ endpoint, repo, sha }) {
  if (!canKeep()) return;
  const cache = await open(), root = modelRoot({ endpoint, repo, sha }), aliases = `${ROOT}alias/${enc(endpoint)}/`;
  for (const request of await cache.keys()) {
    const alias = request.url.startsWith(aliases) && await readJson(cache, request);
    if (request.url.startsWith(root) || (alias?.repo === repo && alias?.sha === sha)) await cache.delete(request);
  }
}

// The bytes the browser still allows this site to store, or null when it does not say.
async function freeBytes() {
  try {
    const { quota, usage } = await navigator.storage.estimate();
    return Number.isFinite(quota) && Number.isFinite(usage) ? quota - usage : null;
  } catch {
    return null;
  }
}

// `source` (web/lib/hub-source.mjs) read through this device's copy: every range is taken from the copy when it
// is there, else read from the source and kept. model: { endpoint, repo, sha }; planned: the bytes the load may
// add (checked against the quota first). finish(config, aliases) writes the manifest once the load has worked:
// -> { kept, note } (note: why it was not kept); aliases: [repo, revision] pairs that lead to it. abandon(error)
// when it has not worked.
export async function keepingSource(source, model, { planned }) {
  const cache = await open();
  const wasKept = (await cache.match(manifestKey(model))) !== undefined;  // then nothing of it is ever deleted here
  const free = wasKept ? null : await freeBytes();
  const sizes = new Map();  // the files read and their sizes, for the manifest
  const room = 'delete models on this device to make room';
  const full = `not kept on this device: the browser's storage for the playground is full (the model needs up to ${byteSize(planned)}); ${room}`;
  const failed = (error) => (error?.name === 'QuotaExceededError' ? full : `not kept on this device: ${error?.message ?? error}`);
  // Once set, nothing more is written: checked first against what the browser says is left.
  let note = free !== null && planned > free
    ? `not kept on this device: this browser lets the playground store ${byteSize(Math.max(0, free))} more, and the model needs up to ${byteSize(planned)}; ${room}` : null;
  const pending = new Set();
  let pendingBytes = 0;

  async function keep(key, bytes) {
    const put = cache.put(key, new Response(bytes)).catch((error) => { note ??= failed(error); })  // the Response holds its own copy
      .finally(() => { pending.delete(put); pendingBytes -= bytes.length; });
    pending.add(put);
    pendingBytes += bytes.length;
    while (pendingBytes > MAX_PENDING_BYTES && pending.size > 1) await Promise.race(pending);
  }
  const discard = async () => {
    await Promise.all(pending);
    if (!wasKept) await deleteKept(model);
  };

  return {
    get downloaded() { return source.downloaded; },
    has: source.has,
    async size(name) {
      sizes.set(name, await source.size(name));
      return sizes.get(name);
    },
    plan: source.plan,
    close: source.close,
    async read(name, begin, end, onBytes) {
      const key = `${modelRoot(model)}${enc(name)}/${begin}-${end}`;
      const copy = await cache.match(key);
      const bytes = copy && new Uint8Array(await copy.arrayBuffer());
      if (bytes?.length === end - begin) {
        onBytes?.(bytes.length);
        return bytes;
      }
      const read = await source.read(name, begin, end, onBytes);
      if (note === null) await keep(key, read);
      return read;
    },
    async finish(config, aliases) {
      await Promise.all(pending);
      if (note === null) {
        try {
          await cache.put(manifestKey(model), asJson({ ...model, files: Object.fromEntries(sizes), config, savedAt: Date.now() }));
          for (const [repo, revision] of aliases) await cache.put(aliasKey(model.endpoint, repo, revision), asJson({ repo: model.repo, sha: model.sha }));
          return { kept: true, note: null };
        } catch (error) {
          note = failed(error);
        }
      }
      await discard();
      return { kept: false, note };
    },
    // A dropped connection keeps what was read, for the next try; anything else (a cancel, a model the core
    // cannot read, a full quota) deletes it.
    async abandon(error) {
      if (error?.network && note === null && error.name !== 'AbortError') return Promise.all(pending);
      return discard();
    },
  };
}

// A checkpoint on a hub (huggingface.co or a mirror), opened for the one loader of web/lib/attention-api.mjs: its
// arguments checked before any request, the repository's listing (web/lib/hub-api.mjs), its files as a source
// over HTTP (web/lib/hub-source.mjs) read through this device's copy (web/lib/hub-cache.mjs), and every error
// starting with the repository's name. hubInfo says what opening it would download. DOM-free.
import { findKept, canKeep, keepingSource } from './hub-cache.mjs';
import { repositoryListing } from './hub-api.mjs';
import { networkSource } from './hub-source.mjs';
import { DEFAULT_ENDPOINT, checkEndpoint, checkRepository, checkRevision, endpointLabel, isCommit, shortCommit } from './hub-names.mjs';
import { abortSignal, callback, flag, snapshot } from './js-values.mjs';

const WEIGHTS = 'model.safetensors', INDEX = 'model.safetensors.index.json';
const SHARD = /^model-\d+-of-\d+\.safetensors$/;

// loadFromHub's and hubInfo's arguments, each read once: -> { repo, endpoint, revision, onProgress, signal, cache }.
export function hubArguments(repo, options) {
  const o = snapshot(options, 'options', ['endpoint', 'revision', 'onProgress', 'signal', 'cache'], { optional: true });
  return {
    repo: checkRepository(repo, 'repo'),
    endpoint: checkEndpoint(o.endpoint ?? DEFAULT_ENDPOINT, 'endpoint'),
    revision: checkRevision(o.revision ?? 'main', 'revision'),
    onProgress: callback(o.onProgress, 'onProgress'),
    signal: abortSignal(o.signal, 'signal'),
    cache: flag(o.cache, 'cache', true) && canKeep(),
  };
}

// The error with the repository's name in front (a cancel stays the signal's own error).
export function named(repo, error) {
  if (!(error instanceof Error) || error.name === 'AbortError' || error.name === 'TimeoutError' || error.message.startsWith(`${repo}: `)) return error;
  const Type = error instanceof TypeError ? TypeError : error instanceof RangeError ? RangeError : Error;
  return Object.assign(new Type(`${repo}: ${error.message}`, { cause: error.cause ?? error }), { network: error.network === true });
}

const listingOf = (manifest) => ({ repo: manifest.repo, sha: manifest.sha, files: new Map(Object.entries(manifest.files)), guessed: false });

// The files a load reads: the core's small files that are there (`names`), then the weights.
function filesToRead(listing, names) {
  const present = [...listing.files.keys()];
  const weights = listing.files.has(INDEX) ? present.filter((name) => SHARD.test(name)) : listing.files.has(WEIGHTS) ? [WEIGHTS] : [];
  return [...names.filter((name) => listing.files.has(name)), ...weights].map((name) => ({ name, size: listing.files.get(name) ?? null }));
}

function checkFiles({ files, sha }) {
  const at = sha ? ` at commit ${shortCommit(sha)}` : '';
  if (!files.has('config.json')) throw new Error(`has no config.json${at}: it is not a transformers checkpoint`);
  if (!files.has(WEIGHTS) && !files.has(INDEX)) {
    const other = [...files.keys()].find((name) => /\.(bin|pt|pth|ckpt|h5|msgpack|gguf|onnx)$/.test(name));
    throw new Error(`has no model.safetensors${at}${other ? ` (only ${other} and the like, which this playground does not read)` : ''}; this playground reads safetensors checkpoints only`);
  }
}

// The listing for the arguments, and the manifest of this device's copy when there is one. Without any request
// when the revision is a commit kept here; from the copy kept for a branch when the hub cannot be reached.
async function listed(o, names) {
  let manifest = o.cache && isCommit(o.revision) ? await findKept(o) : null;
  if (manifest) return { listing: listingOf(manifest), manifest, note: null };
  try {
    const listing = await repositoryListing({ ...o, names });
    manifest = o.cache && listing.sha ? await findKept({ endpoint: o.endpoint, repo: listing.repo, revision: listing.sha }) : null;
    return { listing, manifest, note: null };
  } catch (error) {
    manifest = o.cache && error.network ? await findKept(o) : null;
    if (!manifest) throw error;
    const note = `${endpointLabel(o.endpoint)} could not be reached: opened the copy kept on this device (commit ${shortCommit(manifest.sha)})`;
    return { listing: listingOf(manifest), manifest, note };
  }
}

// -> { repo (canonical), revision, sha, endpoint, files: [{ name, size }], bytes (their sum; null when a size is
// unknown), kept (this device has it: opening it downloads nothing) }. names: the core's small files.
export async function hubInfo(o, names) {
  try {
    const { listing, manifest } = await listed(o, [...names, WEIGHTS]);
    checkFiles(listing);
    const files = filesToRead(listing, names);
    const bytes = files.some((f) => f.size === null) ? null : files.reduce((sum, f) => sum + f.size, 0);
    return { repo: listing.repo, revision: o.revision, sha: listing.sha, endpoint: o.endpoint, files, bytes, kept: manifest !== null };
  } catch (error) {
    throw named(o.repo, error);
  }
}

// -> { source (for the loader), name (the model's: its canonical repository), finish(config) -> what model.hub
// holds, abandon(error) -> the error to throw }. names: the core's small files.
export async function openHubCheckpoint(o, names) {
  let opened;
  try {
    opened = await listed(o, [...names, WEIGHTS]);
    checkFiles(opened.listing);
  } catch (error) {
    throw named(o.repo, error);
  }
  const { listing, manifest } = opened;
  const model = { endpoint: o.endpoint, repo: listing.repo, sha: listing.sha };
  const network = networkSource({ endpoint: o.endpoint, listing, revision: o.revision, signal: o.signal });
  const planned = filesToRead(listing, names).reduce((sum, f) => sum + (f.size ?? 0), 0);
  let keeping = null, unkept = null;
  if (o.cache && listing.sha) {
    try {
      keeping = await keepingSource(network, model, { planned: manifest ? 0 : planned });
    } catch (error) {
      unkept = `not kept on this device: this page may not use its storage (${error.message})`;
    }
  }
  const source = keeping ?? network;
  return {
    source,
    name: listing.repo,
    async finish(config) {
      const aliases = [[o.repo, o.revision], [listing.repo, o.revision], [o.repo, listing.sha]]
        .filter(([repo, revision], i, all) => revision && all.findIndex(([r, v]) => r === repo && v === revision) === i);
      const { kept, note } = keeping ? await keeping.finish(config, aliases)
        : { kept: false, note: unkept ?? (o.cache ? 'not kept on this device: the hub did not say which commit it sent' : null) };
      return { ...model, revision: o.revision, kept, fromDevice: source.downloaded === 0, downloaded: source.downloaded, note: opened.note ?? note };
    },
    async abandon(error) {
      await source.close();
      await keeping?.abandon(error);
      return named(listing.repo, error);
    },
  };
}

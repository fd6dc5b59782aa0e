// What a repository holds at a revision, as a hub's API says: its canonical name (a legacy name without an owner,
// such as 'gpt2', is redirected by the Hub to 'openai-community/gpt2'), the commit the revision resolves to (fetch
// hides the headers of the redirects it follows, so the API's `sha` is what pins a download), and its files with
// their sizes:
//   GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true   -> { id, sha, siblings: [{ rfilename, size, lfs }] }
//   GET {endpoint}/api/models/{repo}/tree/{sha}                       -> [{ path, size }]  (only if sizes are missing)
// Only where the API cannot be reached are the files asked for by name, one after another (HEAD of each
// {endpoint}/{repo}/resolve/{revision}/{file}). DOM-free.
import { hubRequest, lead, readSmallBody, statusError } from './hub-http.mjs';
import { endpointLabel, isCommit, isRepository } from './hub-names.mjs';

const MAX_API_ANSWER = 32 << 20;  // a repository with many thousands of files still fits
const isSize = (value) => Number.isSafeInteger(value) && value >= 0;

async function json(response, what) {
  const text = new TextDecoder().decode(await readSmallBody(response, what, MAX_API_ANSWER));
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The API's answer checked for the fields used: -> { id, sha, files: Map(name -> size | null) }.
function readModelInfo(info, what, endpoint) {
  const shape = (problem) => new Error(`${lead(what)}the API of ${endpointLabel(endpoint)} answered with JSON of an unexpected shape (${problem}); is ${endpoint} a Hugging Face Hub or a mirror of it?`);
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return shape('not an object');
  if (!isCommit(info.sha)) return shape('"sha" is not a 40-digit commit');
  if (!Array.isArray(info.siblings) || info.siblings.some((s) => typeof s?.rfilename !== 'string')) return shape('"siblings" is not a list of { rfilename }');
  if (info.gated || info.private === true) {
    return new Error(`${lead(what)}${info.private === true ? 'private' : 'gated'} on ${endpointLabel(endpoint)}: its files need an account${info.private === true ? ' with access' : ' that accepted its terms'}. This playground reads public models only and sends no token: download its files yourself and open them with “Your own model…”`);
  }
  const files = new Map();
  for (const { rfilename, size, lfs } of info.siblings) {
    if (!rfilename.includes('/')) files.set(rfilename, isSize(size) ? size : isSize(lfs?.size) ? lfs.size : null);
  }
  return { id: isRepository(info.id) ? info.id : isRepository(info.modelId) ? info.modelId : null, sha: info.sha, files };
}

// Sizes the revision's answer left out, from the tree listing; files keep null where it cannot tell.
async function fillSizes(files, { endpoint, repo, sha, signal, what }) {
  if (![...files.values()].includes(null)) return;
  try {
    const response = await hubRequest(`${endpoint}/api/models/${repo}/tree/${sha}`, { endpoint, what, signal });
    if (!response.ok) return void await response.body?.cancel();
    const tree = await json(response, what);
    for (const entry of Array.isArray(tree) ? tree : []) {
      const size = isSize(entry?.size) ? entry.size : isSize(entry?.lfs?.size) ? entry.lfs.size : null;
      if (typeof entry?.path === 'string' && files.get(entry.path) === null && size !== null) files.set(entry.path, size);
    }
  } catch (error) {
    if (signal?.aborted) throw error;  // otherwise the sizes are learnt from the files' own answers
  }
}

// Without the API: each name the core reads, asked for in turn (HEAD), config.json first.
async function listingByName({ endpoint, repo, revision, signal, names, apiError }) {
  const files = new Map();
  let sha = null, canonical = repo;
  for (const name of names) {
    const what = name;
    const response = await hubRequest(`${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${name}`, { endpoint, what, signal, method: 'HEAD' });
    if (response.status === 404 && name === 'config.json') throw apiError;
    if (response.status === 404) continue;
    if (!response.ok) throw await statusError(response, what, endpoint);
    const length = Number(response.headers.get('Content-Length'));
    files.set(name, response.headers.has('Content-Length') && isSize(length) ? length : null);
    if (name === 'config.json') {
      const commit = response.headers.get('X-Repo-Commit');  // readable from the same origin, or where exposed
      if (isCommit(commit)) sha = commit;
      const path = new URL(response.url).pathname.slice(new URL(endpoint).pathname.replace(/\/$/, '').length);
      const moved = /^\/(.+)\/resolve\//.exec(path)?.[1];
      if (isRepository(moved)) canonical = moved;
    }
  }
  return { repo: canonical, sha, files, guessed: true };
}

// -> { repo (canonical), sha (null when only the files could be asked and they did not say), files: Map(name ->
// size | null) of the root folder, guessed (true: the names were tried, the shards are assumed) }.
// names: the files the core reads by name (config.json, the tokenizer's, model.safetensors, the shards' index).
export async function repositoryListing({ endpoint, repo, revision, signal, names }) {
  const what = '';  // errors about the repository itself
  let response;
  try {
    response = await hubRequest(`${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`, { endpoint, what, signal });
  } catch (error) {
    if (!error.network) throw error;
    return listingByName({ endpoint, repo, revision, signal, names, apiError: error });
  }
  if (!response.ok) {
    const error = await statusError(response, what, endpoint);
    // A 404 may be a mirror without the API, a 5xx an API that is down: then the files are asked for by name.
    if ((response.status !== 404 || /branch, tag or commit/.test(error.message)) && response.status < 500) throw error;
    return listingByName({ endpoint, repo, revision, signal, names, apiError: error });
  }
  const info = readModelInfo(await json(response, what), what, endpoint);
  if (info instanceof Error) throw info;
  const moved = /\/api\/models\/(.+)\/revision\//.exec(new URL(response.url).pathname)?.[1];
  const canonical = info.id ?? (isRepository(moved) ? moved : repo);
  await fillSizes(info.files, { endpoint, repo: canonical, sha: info.sha, signal, what });
  return { repo: canonical, sha: info.sha, files: info.files, guessed: false };
}

// Names on the Hugging Face Hub, checked before anything is requested: a repository ([owner/]name with the
// characters the Hub allows), a revision, a hub endpoint (huggingface.co or a mirror); and the playground's name
// for a model from the Hub, 'hf:<repository>[@<revision>]' (the model of a permalink, the element's model
// attribute). DOM-free: the page, the element, the JS API and the dev server use the same rules.

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

// What a page that opens models from huggingface.co must be allowed to connect to (its CSP's connect-src):
// huggingface.co answers the API and serves small files; large (LFS and Xet) files are redirected to storage
// hosts under huggingface.co and hf.co that change over time (cdn-lfs.huggingface.co, cdn-lfs-us-1.hf.co,
// cas-bridge.xethub.hf.co, us.aws.cdn.hf.co, …), hence the two wildcards, which stay on the Hub's own domains.
export const HUB_CONNECT_SOURCES = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

// The Hub's rule (huggingface_hub's validate_repo_id): letters, digits, '-', '_', '.', neither first nor last,
// no '--' or '..', at most 96 characters, not ending in '.git'; an optional owner the same way.
const PART = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;
// A branch, tag or commit: git's ref characters that are safe in a URL path segment once encoded.
const REVISION = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,199}$/;
const COMMIT = /^[0-9a-f]{40}$/;
// A host name of letters, digits and '-' (lowercase, as URL parsing leaves it), an IPv4 address, or [IPv6].
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;
const PATH = /^(?:\/[A-Za-z0-9._~-]+)*\/?$/;

const quoted = (value) => (typeof value === 'string' ? `'${value.length > 120 ? `${value.slice(0, 120)}…` : value}'` : String(value));

function why(repo) {
  const parts = repo.split('/');
  if (parts.length > 2) return 'it has more than one \'/\'';
  if (/--|\.\./.test(repo)) return 'it has \'--\' or \'..\'';
  if (repo.endsWith('.git')) return 'it ends in \'.git\'';
  if (parts.some((part) => part.length > 96)) return 'a part is longer than 96 characters';
  return 'each part must be letters, digits, \'-\', \'_\' or \'.\', not starting or ending with \'-\' or \'.\'';
}

// true when `repo` is a name the Hub can have.
export const isRepository = (repo) => typeof repo === 'string' && repo.split('/').length <= 2
  && repo.split('/').every((part) => PART.test(part)) && !/--|\.\./.test(repo) && !repo.endsWith('.git');

// The repository name, or a TypeError/RangeError that says what is wrong with it (`name`: the argument's name).
export function checkRepository(repo, name = 'repo') {
  if (typeof repo !== 'string') throw new TypeError(`${name}: expected a repository name such as 'openai-community/gpt2', got ${typeof repo}`);
  if (!isRepository(repo)) {
    throw new RangeError(`${name}: ${quoted(repo)} is not a repository name on the Hugging Face Hub (${why(repo)}); expected name or owner/name, e.g. 'gpt2' or 'openai-community/gpt2'`);
  }
  return repo;
}

export const isRevision = (revision) => typeof revision === 'string' && REVISION.test(revision) && !revision.includes('..') && !revision.endsWith('/');
export const isCommit = (revision) => typeof revision === 'string' && COMMIT.test(revision);

export function checkRevision(revision, name = 'revision') {
  if (typeof revision !== 'string') throw new TypeError(`${name}: expected a branch, tag or commit such as 'main', got ${typeof revision}`);
  if (!isRevision(revision)) throw new RangeError(`${name}: ${quoted(revision)} is not a branch, tag or commit name (letters, digits, '-', '_', '.', '/')`);
  return revision;
}

// The endpoint as a base URL without a trailing '/', e.g. 'https://huggingface.co' or 'http://127.0.0.1:8000/hf':
// http(s) only, no user name or password, no query or fragment, a plain host; so that it can stand in a URL and,
// as an origin, in a Content-Security-Policy header without changing either's meaning.
export function checkEndpoint(endpoint, name = 'endpoint') {
  if (typeof endpoint !== 'string') throw new TypeError(`${name}: expected a URL such as '${DEFAULT_ENDPOINT}', got ${typeof endpoint}`);
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    throw new RangeError(`${name}: ${quoted(endpoint)} is not a URL; expected e.g. '${DEFAULT_ENDPOINT}'`);
  }
  const problem = !/^https?:$/.test(url.protocol) ? 'it is not http: or https:'
    : url.username || url.password ? 'it holds a user name or password'
      : url.search || url.hash || endpoint.includes('?') || endpoint.includes('#') ? 'it has a query or a fragment'
        : !HOST.test(url.hostname) ? 'its host name has characters a host name cannot have'
          : !PATH.test(url.pathname) ? 'its path has characters other than letters, digits and - . _ ~' : null;
  if (problem) throw new RangeError(`${name}: ${quoted(endpoint)} cannot be a hub (${problem}); expected e.g. '${DEFAULT_ENDPOINT}'`);
  return `${url.origin}${url.pathname.replace(/\/$/, '')}`;
}

// The endpoint, or null when it is not one (for values read from a link).
export function endpointOrNull(endpoint) {
  try {
    return checkEndpoint(endpoint);
  } catch {
    return null;
  }
}

// 'hf:openai-community/gpt2@<commit>' <-> { repo, revision } (revision null when the name has none).
export function parseHubModel(text) {
  if (typeof text !== 'string' || !text.startsWith('hf:')) return null;
  const at = text.indexOf('@');
  const repo = text.slice(3, at < 0 ? undefined : at), revision = at < 0 ? null : text.slice(at + 1);
  return isRepository(repo) && (revision === null || isRevision(revision)) ? { repo, revision } : null;
}
export const isHubModel = (text) => parseHubModel(text) !== null;
export const hubModelName = (repo, revision = null) => `hf:${repo}${revision ? `@${revision}` : ''}`;

// A commit as people show it: its first 7 characters.
export const shortCommit = (sha) => (isCommit(sha) ? sha.slice(0, 7) : sha);
// How an endpoint is named on the page: its host for the Hub, the whole URL for a mirror.
export const endpointLabel = (endpoint) => (endpoint === DEFAULT_ENDPOINT ? 'huggingface.co' : endpoint);

// HTTP to a hub (huggingface.co or a mirror) and to the storage hosts it redirects large files to: one request
// function with the playground's rules, the answers a hub gives turned into errors that say what to do, and
// bodies read to an exact length (never trusting Content-Length or Content-Range for how much memory to take).
// DOM-free; fetch and streams as browsers, workers and node 18+ have them. Messages start with the file or
// request they are about; web/lib/hub.mjs puts the repository in front.
import { DEFAULT_ENDPOINT, endpointLabel } from './hub-names.mjs';

// A size as people read it: '820 kB', '12.3 MB', '548 MB', '10.7 GB'.
export function byteSize(bytes) {
  const [unit, scale] = bytes >= 1e9 ? ['GB', 1e9] : bytes >= 1e6 ? ['MB', 1e6] : ['kB', 1e3];
  return `${(bytes / scale).toFixed(bytes / scale < 10 ? 1 : 0)} ${unit}`;
}
const hostOf = (url) => new URL(url).host;
// Messages start with what they are about (a file), or with nothing for the repository itself: web/lib/hub.mjs
// puts the repository's name in front of every one.
export const lead = (what) => (what ? `${what}: ` : '');

// The signal's own reason when it has one (fetch does the same), else an AbortError.
export function abortError(signal) {
  const reason = signal?.reason;
  return reason instanceof Error || (typeof DOMException === 'function' && reason instanceof DOMException)
    ? reason : new DOMException('the load was cancelled', 'AbortError');
}

export function throwIfAborted(signal) {
  if (signal?.aborted) throw abortError(signal);
}

// fetch as every request to a hub is made: no cookies, credentials or referrer (nothing about the page goes
// out, and the reader's text lives in the hash, which is never sent); not kept in the browser's HTTP cache (the
// playground keeps what it read in Cache Storage itself); redirects followed, since the Hub sends large files to
// storage hosts, but only to https: (http: only for an http: mirror, such as a local one) and never to this
// page's own origin, whose files and answers are not a model's. range: [begin, end) or null.
export async function hubRequest(url, { endpoint, what, signal, range = null, method = 'GET' }) {
  let response;
  try {
    response = await fetch(url, {
      method, signal, credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store', redirect: 'follow', mode: 'cors',
      headers: range ? { Range: `bytes=${range[0]}-${range[1] - 1}` } : {},
    });
  } catch (error) {
    throwIfAborted(signal);
    const offline = globalThis.navigator?.onLine === false;
    // network: the network failed, not the hub (web/lib/hub-api.mjs then asks for the files by name, and
    // web/lib/hub-cache.mjs keeps what was read for the next try)
    throw Object.assign(new Error(`${lead(what)}could not reach ${hostOf(url)} (${offline ? 'this device is offline' : error.cause?.message ?? error.message}); `
      + `check the network connection${endpoint === DEFAULT_ENDPOINT ? '' : ', and that this page\'s Content-Security-Policy allows the mirror and its storage hosts'}`, { cause: error }), { network: true });
  }
  const final = new URL(response.url || url);
  const page = globalThis.location?.origin;
  const allowed = final.protocol === 'https:' || (final.protocol === 'http:' && new URL(endpoint).protocol === 'http:');
  if (!allowed || (response.redirected && page && final.origin === page && new URL(endpoint).origin !== page)) {
    await response.body?.cancel();
    throw new Error(`${lead(what)}${endpointLabel(endpoint)} redirected it to ${final.origin}, ${allowed ? 'this page\'s own origin' : 'an address that is not https:'}; refusing to read it from there`);
  }
  return response;
}

// The hub's own explanation in an error answer ({ "error": "Repository not found" }), or ''.
async function explanation(response) {
  try {
    const { error } = JSON.parse(new TextDecoder().decode(await readSmallBody(response, '', 4096)));
    return typeof error === 'string' ? error.slice(0, 200) : '';
  } catch {
    await response.body?.cancel().catch(() => {});
    return '';
  }
}

// An error for an answer that is not the one asked for, saying what the reader can do about it.
export async function statusError(response, what, endpoint) {
  const { status } = response, where = endpointLabel(endpoint), said = await explanation(response);
  const http = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status === 401) return new Error(`${lead(what)}not found on ${where}, or private or gated (${http}); check the name. This playground reads public models only and sends no token: for a gated model, download its files after accepting its terms and open them with “Your own model…”`);
  if (status === 403) return new Error(`${lead(what)}${where} refused it (${http}): the model is gated or private. This playground reads public models only and sends no token: download its files after accepting its terms and open them with “Your own model…”`);
  if (status === 404 && (/revision/i.test(response.headers.get('X-Error-Code') ?? '') || /\brev(ision)?\b/i.test(said))) {
    return new Error(`${lead(what)}the branch, tag or commit asked for is not on ${where} (${http})`);
  }
  if (status === 404) return new Error(`${lead(what)}not found on ${where} (${http}); check the name`);
  if (status === 416) return new Error(`${lead(what)}${hostOf(response.url)} says the bytes asked for are not in the file (${http}): the file is shorter than its listing says`);
  if (status === 429) return new Error(`${lead(what)}${where} asks to slow down (${http}); try again in a minute`);
  if (status >= 500) return new Error(`${lead(what)}${hostOf(response.url)} failed (${http}); try again later`);
  return new Error(`${lead(what)}${hostOf(response.url)} answered ${http}`);
}

// Reads a body in exact lengths: read(n) -> the next n bytes, end() checks that nothing follows. onBytes(k) as
// chunks arrive (progress). A body that ends early, sends more, or whose connection drops is named.
export function bodyReader(response, what, onBytes = () => {}) {
  const reader = response.body.getReader();
  let pending = new Uint8Array(0), received = 0;
  const next = async () => {
    try {
      return await reader.read();
    } catch (error) {
      if (error?.name === 'AbortError' || error?.name === 'TimeoutError') throw error;
      throw Object.assign(new Error(`${lead(what)}the connection to ${hostOf(response.url)} was lost after ${byteSize(received)}; try again`, { cause: error }), { network: true });
    }
  };
  return {
    async read(length) {
      const out = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        if (pending.length === 0) {
          const { done, value } = await next();
          if (done) throw new Error(`${lead(what)}${hostOf(response.url)} ended the answer after ${filled} of the ${length} bytes asked for; try again`);
          pending = value;
          received += value.length;
          onBytes(value.length);
        }
        const take = Math.min(length - filled, pending.length);
        out.set(pending.subarray(0, take), filled);
        pending = pending.subarray(take);
        filled += take;
      }
      return out;
    },
    async end() {
      if (pending.length === 0) {
        const { done, value } = await next();
        if (done) return;
        pending = value;
      }
      await reader.cancel();
      throw new Error(`${lead(what)}${hostOf(response.url)} sent more bytes than were asked for; refusing an answer of the wrong length`);
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

// A whole small body of at most `limit` bytes, read as it arrives (Content-Length is not trusted).
export async function readSmallBody(response, what, limit) {
  const reader = response.body.getReader(), chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel();
      throw new Error(`${lead(what)}the answer is larger than the ${byteSize(limit)} it may be`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) { out.set(chunk, offset); offset += chunk.length; }
  return out;
}

// The total size in a readable Content-Range ('bytes 0-7/1234' -> 1234), or null (absent, or hidden by CORS).
export function contentRangeTotal(response) {
  const match = /^bytes \d+-\d+\/(\d+)$/.exec(response.headers.get('Content-Range') ?? '');
  return match ? Number(match[1]) : null;
}

// Checks that an answer to a range request holds that range: 206 with a matching Content-Range where it can be
// read, or 200 only when the range is the whole file (a server without ranges would otherwise send all of it).
export async function checkRangeAnswer(response, [begin, end], size, what) {
  if (response.status === 200 && begin === 0 && end === size) return;
  if (response.status === 200) {
    await response.body?.cancel();
    throw new Error(`${lead(what)}${hostOf(response.url)} does not answer byte-range requests (it sent the whole file, HTTP 200); this playground reads only the tensors it needs and never downloads a whole model.safetensors, so it needs a server with range support (HTTP 206)`);
  }
  const range = response.headers.get('Content-Range');
  if (range !== null && range !== `bytes ${begin}-${end - 1}/${size ?? contentRangeTotal(response)}`) {
    await response.body?.cancel();
    throw new Error(`${lead(what)}${hostOf(response.url)} answered with ${range} to a request for bytes ${begin}-${end - 1} of ${size ?? 'the file'}; refusing it`);
  }
}

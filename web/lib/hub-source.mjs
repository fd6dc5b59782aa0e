// A repository's files on a hub as a checkpoint source (the interface web/lib/checkpoint-files.mjs describes),
// read over HTTP: each file from {endpoint}/{repo}/resolve/{commit}/{file}, following the Hub's redirect of large
// files to its storage hosts; small files whole, the safetensors files only in byte ranges — the 8-byte length,
// the header, then the tensors the core asks for, in file order, tensors that lie next to each other read
// through one request. Nothing is read whole into memory but a small file or one tensor. DOM-free.
import { bodyReader, checkRangeAnswer, contentRangeTotal, hubRequest, lead, statusError } from './hub-http.mjs';

const isWeights = (name) => name.endsWith('.safetensors');

// listing: web/lib/hub-api.mjs's { repo, sha, files, guessed }; revision: what was asked for (used when the
// commit is unknown). downloaded: the bytes of bodies received so far.
export function networkSource({ endpoint, listing, revision, signal }) {
  const { repo, files, guessed } = listing;
  const commit = encodeURIComponent(listing.sha ?? revision);
  const url = (name) => `${endpoint}/${repo}/resolve/${commit}/${encodeURIComponent(name)}`;
  const sizes = new Map(files);
  const waiting = new Map();  // small files whose answer came to learn their size: name -> Response
  let plan = [];              // the ranges the loader reads next, in order: { file, begin, end }
  let run = null;             // an open answer: { file, at, end, body } covering bytes [at, end) of file
  let progress = () => {};
  let downloaded = 0;
  const counted = (onBytes) => { progress = onBytes ?? (() => {}); };
  const received = (length) => { downloaded += length; progress(length); };

  async function answer(name, range, size) {
    const response = await hubRequest(url(name), { endpoint, what: name, signal, range });
    if (response.status !== 200 && response.status !== 206) throw await statusError(response, name, endpoint);
    if (range) await checkRangeAnswer(response, range, size, name);
    return response;
  }

  async function closeRun() {
    const open = run;
    run = null;
    await open?.body.cancel();
  }

  // An answer for [begin, …) that runs on through the planned ranges that follow it without a gap.
  async function openRun(name, begin, end) {
    await closeRun();
    const first = plan.findIndex((r) => r.file === name && r.begin === begin);
    let last = end;
    for (let i = first + 1; first >= 0 && i < plan.length && plan[i].file === name && plan[i].begin === last; i++) last = plan[i].end;
    const response = await answer(name, [begin, last], sizes.get(name));
    run = { file: name, at: begin, end: last, body: bodyReader(response, name, received) };
  }

  return {
    get downloaded() { return downloaded; },
    // A guessed listing (no API) holds only the names tried; the shards an index names are then assumed there.
    has: (name) => files.has(name) || (guessed && isWeights(name)),
    async size(name) {
      if (sizes.get(name) != null) return sizes.get(name);
      if (isWeights(name)) {  // the size from the Content-Range of a first small range, where CORS lets it be read
        const response = await answer(name, [0, 8], null);
        await response.body?.cancel();
        const total = contentRangeTotal(response);
        if (total === null) throw new Error(`${lead(name)}neither the API of the hub nor its storage host says how large the file is; it cannot be read in ranges`);
        sizes.set(name, total);
        return total;
      }
      const response = await answer(name, null);
      const length = Number(response.headers.get('Content-Length'));
      if (!response.headers.has('Content-Length') || !Number.isSafeInteger(length)) {
        await response.body?.cancel();
        throw new Error(`${lead(name)}the hub did not say how large the file is`);
      }
      waiting.set(name, response);
      sizes.set(name, length);
      return length;
    },
    async read(name, begin, end, onBytes) {
      counted(onBytes);
      if (!isWeights(name)) {  // a small file, whole
        const response = waiting.get(name) ?? await answer(name, null);
        waiting.delete(name);
        const body = bodyReader(response, name, received);
        const bytes = await body.read(end);
        await body.end();
        return bytes;
      }
      if (!(run && run.file === name && run.at === begin && end <= run.end)) await openRun(name, begin, end);
      const bytes = await run.body.read(end - begin);
      run.at = end;
      if (run.at === run.end) {
        const { body } = run;
        run = null;
        await body.end();
      }
      return bytes;
    },
    plan(ranges) { plan = ranges; },
    // Ends what is still open when the load stops early (an error, a cancel).
    async close() {
      for (const response of waiting.values()) await response.body?.cancel().catch(() => {});
      waiting.clear();
      await closeRun();
    },
  };
}

// Which of a user's files make a Hugging Face checkpoint, and reading them: the small ones whole, and byte
// ranges of model.safetensors without reading it whole (Blob.slice; a File is a Blob). Blobs are read with the
// engine's own Blob methods, so a look-alike object runs no code of its own while a checkpoint loads. DOM-free:
// File objects in browsers and workers, Blobs (fs.openAsBlob) or bytes in node.
//
// A checkpoint source, as the loader (web/lib/attention-api.mjs) reads every checkpoint — a user's files here, a
// hub's over HTTP in web/lib/hub-source.mjs:
//   has(name)                          the file is there (config.json, a tokenizer file, a .safetensors file)
//   size(name) -> Promise<bytes>
//   read(name, begin, end, onBytes?) -> Promise<Uint8Array> of bytes [begin, end); onBytes(k) as bytes arrive
//   plan?(ranges)                      the [{ file, begin, end }] to be read next, in order (HTTP merges them)
//   close?()                           the load stopped early: end what is open
import { describe, elementCount, typedArrayKind } from './js-values.mjs';

const WEIGHTS_FILE = 'model.safetensors';
const INDEX_FILE = 'model.safetensors.index.json';

const blobMethods = typeof Blob === 'function' && {
  size: Object.getOwnPropertyDescriptor(Blob.prototype, 'size').get,
  slice: Blob.prototype.slice,
  arrayBuffer: Blob.prototype.arrayBuffer,
};
const fileName = typeof File === 'function' ? Object.getOwnPropertyDescriptor(File.prototype, 'name').get : null;
const subarray = Object.getPrototypeOf(Int8Array.prototype).subarray;

function isBlob(value) {
  if (!blobMethods) return false;
  try {
    blobMethods.size.call(value);
    return true;
  } catch {
    return false;
  }
}
const isFile = (value) => {
  try {
    return fileName !== null && typeof fileName.call(value) === 'string';
  } catch {
    return false;
  }
};

const byteLength = (source) => (isBlob(source) ? blobMethods.size.call(source) : elementCount(source));

// Bytes [begin, end) of a Blob or a Uint8Array, as a Uint8Array.
async function readRange(source, begin, end) {
  if (isBlob(source)) return new Uint8Array(await blobMethods.arrayBuffer.call(blobMethods.slice.call(source, begin, end)));
  return subarray.call(source, begin, end);
}

// One file's contents as a Blob or bytes (a string becomes its UTF-8).
function source(name, value) {
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (isBlob(value) || typedArrayKind(value) === 'Uint8Array') return value;
  throw new TypeError(`${name}: expected a File, Blob, Uint8Array or string, got ${describe(value)}`);
}

// The user's files by their names (a folder's path dropped).
function filesByName(files) {
  const list = isFile(files?.[0]) || (typeof FileList === 'function' && files instanceof FileList);
  if (!list && (typeof files !== 'object' || files === null)) {
    throw new TypeError(`files: expected File objects or an object of file names to contents, got ${describe(files)}`);
  }
  const entries = list ? Array.from(files, (file) => [fileName.call(file), file]) : Object.entries(files);
  return new Map(entries.map(([name, value]) => [String(name).split(/[\\/]/).pop(), value]));
}

const textSources = (byName, textFiles) => textFiles.filter((name) => byName.has(name)).map((name) => [name, source(name, byName.get(name))]);


// files: File objects (an array, or a FileList), or { name: Blob | Uint8Array | string }; textFiles: the names
// the core reads as text (config.json, the shards' index, the tokenizer's). -> { texts: [[name, source]],
// weights: Map(name -> source) of the .safetensors files }. Other files are left unread. Errors name the file
// that is missing or not usable.
function checkpointSources(files, textFiles) {
  const byName = filesByName(files);
  if (!byName.has(WEIGHTS_FILE) && !byName.has(INDEX_FILE)) {
    const names = [...byName.keys()];
    const sharded = names.find((n) => /^model-\d+-of-\d+\.safetensors$/.test(n));
    const pickle = names.find((n) => /\.(bin|pt|pth|ckpt|h5|msgpack)$/.test(n));
    throw new Error(sharded ? `${INDEX_FILE}: missing; ${sharded} is one shard of a larger checkpoint: choose the index that lists the shards too`
      : `${WEIGHTS_FILE}: missing; ${pickle ? `${pickle} is not safetensors; this playground reads only model.safetensors (the format the Hugging Face hub offers for these models)`
        : 'choose config.json, model.safetensors and the tokenizer\'s files (vocab.txt, or vocab.json and merges.txt, or tokenizer.json)'}`);
  }
  if (!byName.has('config.json')) throw new Error('config.json: missing; it says which model this is and its shape');
  const weights = new Map();
  for (const [name, value] of byName) {
    if (!name.endsWith('.safetensors')) continue;
    if (!isBlob(value) && typedArrayKind(value) !== 'Uint8Array') throw new TypeError(`${name}: expected a File, Blob or Uint8Array, got ${describe(value)}`);
    weights.set(name, value);
  }
  return { texts: textSources(byName, textFiles), weights };
}

// Sources by name as a checkpoint source: has(name), size(name), read(name, begin, end, onBytes).
function sourceOf(byName) {
  return {
    has: (name) => byName.has(name),
    size: async (name) => byteLength(byName.get(name)),
    async read(name, begin, end, onBytes) {
      const bytes = await readRange(byName.get(name), begin, end);
      onBytes?.(bytes.length);
      return bytes;
    },
  };
}

// A user's files as a checkpoint source (above).
export function localSource(files, textFiles) {
  const { texts, weights } = checkpointSources(files, textFiles);
  return sourceOf(new Map([...texts, ...weights]));
}

// A tokenizer's files alone (loadTokenizer) as a source of the text files there are; the core says which are
// missing.
export const tokenizerSource = (files, textFiles) => sourceOf(new Map(textSources(filesByName(files), textFiles)));

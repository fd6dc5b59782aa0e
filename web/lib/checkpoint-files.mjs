// Which of a user's files make a Hugging Face checkpoint, and reading them: the small ones as text, and byte
// ranges of model.safetensors without reading it whole (Blob.slice; a File is a Blob). DOM-free: works with
// File objects in browsers and workers, and with Blobs (fs.openAsBlob) or bytes in node.

// The files a checkpoint is made of, by their published names, and how loadCheckpoint passes them to the core.
export const TEXT_FILES = {
  'config.json': 'config',
  'tokenizer.json': 'tokenizerJson',
  'vocab.txt': 'vocabTxt',
  'tokenizer_config.json': 'tokenizerConfig',
  'vocab.json': 'vocabJson',
  'merges.txt': 'mergesTxt',
};
export const WEIGHTS_FILE = 'model.safetensors';

const isBlob = (x) => typeof Blob === 'function' && x instanceof Blob;
export const byteLength = (source) => (isBlob(source) ? source.size : source.byteLength);

// Bytes [begin, end) of a Blob or a Uint8Array, as a Uint8Array.
export async function readRange(source, begin, end) {
  if (isBlob(source)) return new Uint8Array(await source.slice(begin, end).arrayBuffer());
  return source.subarray(begin, end);
}

async function readText(name, source) {
  if (typeof source === 'string') return source;
  if (isBlob(source)) return source.text();
  if (source instanceof Uint8Array) return new TextDecoder().decode(source);
  throw new TypeError(`${name}: expected a File, Blob, Uint8Array or string, got ${source === null ? 'null' : typeof source}`);
}

// files: File objects (an array, or a FileList), or { name: Blob | Uint8Array | string }. -> { texts, weights }
// texts: the small files' contents under the core's names; weights: model.safetensors (a Blob or bytes).
// Errors name the file that is missing or not usable.
export async function checkpointFiles(files) {
  const entries = isBlob(files?.[0]) || (typeof FileList === 'function' && files instanceof FileList)
    ? Array.from(files, (file) => [file.name, file])
    : Object.entries(files ?? {});
  const byName = new Map(entries.map(([name, source]) => [String(name).split(/[\\/]/).pop(), source]));
  const weights = byName.get(WEIGHTS_FILE);
  if (!weights) {
    const names = [...byName.keys()];
    const sharded = names.find((n) => /^model-\d+-of-\d+\.safetensors$/.test(n));
    const pickle = names.find((n) => /\.(bin|pt|pth|ckpt|h5|msgpack)$/.test(n));
    throw new Error(`${WEIGHTS_FILE}: missing; ${sharded ? `${sharded} is one shard of a larger checkpoint, which this playground does not read`
      : pickle ? `${pickle} is not safetensors; this playground reads only model.safetensors (the format the Hugging Face hub offers for these models)`
        : 'choose config.json, model.safetensors and the tokenizer\'s files (vocab.txt, or vocab.json and merges.txt, or tokenizer.json)'}`);
  }
  if (!isBlob(weights) && !(weights instanceof Uint8Array)) throw new TypeError(`${WEIGHTS_FILE}: expected a File, Blob or Uint8Array`);
  const texts = {};
  for (const [file, key] of Object.entries(TEXT_FILES)) {
    if (byName.has(file)) texts[key] = await readText(file, byName.get(file));
  }
  if (texts.config === undefined) throw new Error('config.json: missing; it says which model this is and its shape');
  return { texts, weights };
}

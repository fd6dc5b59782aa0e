// The JSON format for attention weights from any source: render() of the <attention-view> element reads it,
// the playground's JSON export writes it. DOM-free. The format (version 1):
//
//   {
//     "format": "attention-weights", "version": 1,   optional when reading
//     "tokens": ["[BOS]", "The", "cat"],              the query tokens, n of them, as text
//     "keyTokens": ["…"],                             optional: the key tokens (m) when they differ (cross-attention)
//     "weights": [[[[0.9, 0.1, 0], …]]],              [layer][head][query][key]; also [head][query][key] for one
//                                                     layer, or [query][key] for one head. Row i is where token i
//                                                     looks; shown on a 0–1 colour scale
//     "shape": [layers, heads, n, m],                 only when "weights" is one flat array of numbers instead
//     "labels": { "layers": ["…"], "heads": ["…"] },  optional names of the layers and heads
//     "title": "…",                                   optional
//     "model": { … }, "state": { … }                  optional, ignored by render(): the export's model config and
//                                                     playground state
//   }
//
// Errors are thrown as TypeError / RangeError with the path of the bad field, e.g. "weights[0][2][3]: …".

export const FORMAT = 'attention-weights';
export const MAX_TOKENS = 4096;
export const MAX_VALUES = 1 << 24;  // 64 MB of float32

const fail = (ErrorType, path, message) => { throw new ErrorType(`${path}: ${message}`); };
const describe = (value) => (Array.isArray(value) ? `an array of ${value.length}` : value === null ? 'null'
  : typeof value === 'number' ? String(value) : typeof value);

function tokenList(value, path) {
  if (!Array.isArray(value)) fail(TypeError, path, `expected an array of strings, got ${describe(value)}`);
  if (value.length === 0 || value.length > MAX_TOKENS) fail(RangeError, path, `expected 1 to ${MAX_TOKENS} tokens, got ${value.length}`);
  value.forEach((token, i) => { if (typeof token !== 'string') fail(TypeError, `${path}[${i}]`, `expected a string, got ${describe(token)}`); });
  return [...value];
}

function nameList(value, count, path) {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length !== count || value.some((name) => typeof name !== 'string')) {
    fail(TypeError, path, `expected ${count} strings, got ${describe(value)}`);
  }
  return [...value];
}

// The dimensions of nested arrays (following the first element at each depth).
function nestedShape(value) {
  const shape = [];
  for (let level = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  return shape;
}

// Copies nested arrays of the given shape into `out`, checking every length and number.
function copyNested(value, shape, out, path) {
  let at = 0;
  const walk = (node, depth, where) => {
    if (depth === shape.length) {
      if (typeof node !== 'number' || !Number.isFinite(node)) fail(TypeError, where, `expected a finite number, got ${describe(node)}`);
      out[at++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      fail(RangeError, where, `expected an array of ${shape[depth]}, got ${describe(node)}`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${where}[${i}]`));
  };
  walk(value, 0, path);
}

// JSON (parsed, or a string) -> { tokens, keyTokens, n, m, layers, heads, attentions: Float32Array
// (layers, heads, n, m), labels: { layers, heads } (null when absent), title }.
export function readWeights(json) {
  let data = json;
  if (typeof json === 'string') {
    try { data = JSON.parse(json); } catch (error) { fail(TypeError, 'data', `not valid JSON (${error.message})`); }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail(TypeError, 'data', `expected an object with tokens and weights, got ${describe(data)}`);
  if (data.format !== undefined && data.format !== FORMAT) fail(RangeError, 'format', `expected '${FORMAT}', got ${JSON.stringify(data.format)}`);
  if (data.version !== undefined && data.version !== 1) fail(RangeError, 'version', `expected 1, got ${JSON.stringify(data.version)}`);
  const tokens = tokenList(data.tokens, 'tokens');
  const keyTokens = data.keyTokens === undefined ? tokens : tokenList(data.keyTokens, 'keyTokens');
  const n = tokens.length, m = keyTokens.length;

  const { weights } = data;
  let shape, depth = 4;
  if (data.shape !== undefined) {
    if (!Array.isArray(data.shape) || data.shape.length !== 4 || !data.shape.every((d) => Number.isInteger(d) && d > 0)) {
      fail(TypeError, 'shape', `expected [layers, heads, n, m] as positive integers, got ${JSON.stringify(data.shape)}`);
    }
    shape = data.shape;
  } else {
    if (!Array.isArray(weights)) fail(TypeError, 'weights', `expected nested arrays [layer][head][query][key], got ${describe(weights)}`);
    depth = nestedShape(weights).length;
    if (depth < 2 || depth > 4) fail(RangeError, 'weights', `expected 2 to 4 levels of arrays ([layer][head][query][key]), got ${depth}`);
    shape = [...[1, 1].slice(0, 4 - depth), ...nestedShape(weights).slice(0, depth - 2), n, m];
  }
  const [layers, heads] = shape;
  if (shape[2] !== n) fail(RangeError, 'shape', `has ${shape[2]} queries, but tokens has ${n}`);
  if (shape[3] !== m) fail(RangeError, 'shape', `has ${shape[3]} keys, but ${data.keyTokens === undefined ? 'tokens' : 'keyTokens'} has ${m}`);
  const count = layers * heads * n * m;
  if (count > MAX_VALUES) fail(RangeError, 'weights', `${count} values is more than the ${MAX_VALUES} this viewer takes`);

  const attentions = new Float32Array(count);
  if (data.shape !== undefined) {
    if (!Array.isArray(weights) && !ArrayBuffer.isView(weights)) fail(TypeError, 'weights', `expected a flat array of ${count} numbers, got ${describe(weights)}`);
    if (weights.length !== count) fail(RangeError, 'weights', `expected ${count} numbers (the product of shape), got ${weights.length}`);
    for (let i = 0; i < count; i++) {
      if (typeof weights[i] !== 'number' || !Number.isFinite(weights[i])) fail(TypeError, `weights[${i}]`, `expected a finite number, got ${describe(weights[i])}`);
      attentions[i] = weights[i];
    }
  } else {
    copyNested(weights, shape.slice(4 - depth), attentions, 'weights');
  }
  const labels = data.labels ?? {};
  if (typeof labels !== 'object') fail(TypeError, 'labels', `expected an object { layers, heads }, got ${describe(labels)}`);
  if (data.title !== undefined && typeof data.title !== 'string') fail(TypeError, 'title', `expected a string, got ${describe(data.title)}`);
  return {
    tokens, keyTokens, n, m, layers, heads, attentions,
    labels: { layers: nameList(labels.layers, layers, 'labels.layers'), heads: nameList(labels.heads, heads, 'labels.heads') },
    title: data.title ?? '',
  };
}

const rounded = (w) => Math.round(w * 1e6) / 1e6;  // float32 weights to 6 decimals: plenty, and half the size

// The format from a computed result: attentions (layers, heads, n, m) -> nested arrays; extra fields as given.
export function writeWeights({ tokens, keyTokens, layers, heads, attentions, title, labels, model, state }) {
  const n = tokens.length, m = (keyTokens ?? tokens).length;
  const weights = Array.from({ length: layers }, (_, l) => Array.from({ length: heads }, (_, h) =>
    Array.from({ length: n }, (_, i) => Array.from(attentions.subarray(((l * heads + h) * n + i) * m, ((l * heads + h) * n + i + 1) * m), rounded))));
  return {
    format: FORMAT, version: 1, title, tokens, ...(keyTokens ? { keyTokens } : {}), weights,
    ...(labels ? { labels } : {}), ...(model ? { model } : {}), ...(state ? { state } : {}),
  };
}

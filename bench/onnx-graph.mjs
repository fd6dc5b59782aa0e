// The ONNX graphs the benchmark gives onnxruntime-web, written as protobuf bytes by hand (no onnx package in
// node): multi-head attention as plain ops (MatMul, Reshape, Transpose, Softmax) and as onnxruntime's fused
// contrib ops (com.microsoft Attention / MultiHeadAttention), for the forward and for attention alone; and a
// whole GPT-2 (embeddings, its layers, the final LayerNorm) over the tensors of a GPT-2 checkpoint.

// ---- Protobuf wire format: varints, length-delimited fields.
const varint = (value) => {
  const out = [];
  let v = BigInt.asUintN(64, BigInt(value));  // negative int64: ten bytes of two's complement
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
};
const key = (field, wire) => varint((field << 3) | wire);
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((total, p) => total + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
};
const int = (field, value) => Uint8Array.from([...key(field, 0), ...varint(value)]);
const bytes = (field, payload) => concat([Uint8Array.from([...key(field, 2), ...varint(payload.length)]), payload]);
const string = (field, text) => bytes(field, new TextEncoder().encode(text));
const message = (field, parts) => bytes(field, concat(parts));
const float32 = (field, value) => concat([Uint8Array.from(key(field, 5)), new Uint8Array(Float32Array.of(value).buffer)]);

const FLOAT = 1, INT64 = 7;

// TensorProto
const tensor = (name, dims, data) => concat([
  ...dims.map((d) => int(1, d)), int(2, data instanceof BigInt64Array ? INT64 : FLOAT), string(8, name),
  bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
]);
// ValueInfoProto of a float (or int64) tensor with fixed dims
const valueInfo = (name, dims, type = FLOAT) => concat([
  string(1, name),
  message(2, [message(1, [int(1, type), message(2, dims.map((d) => message(1, [int(1, d)])))])]),
]);
// AttributeProto: int, float or ints
const attribute = (name, value) => {
  if (Array.isArray(value)) return concat([string(1, name), ...value.map((v) => int(8, v)), int(20, 7)]);
  if (Number.isInteger(value)) return concat([string(1, name), int(3, value), int(20, 2)]);
  return concat([string(1, name), float32(2, value), int(20, 1)]);
};
// NodeProto
const node = (op, inputs, outputs, attributes = {}, domain = '') => concat([
  ...inputs.map((i) => string(1, i)), ...outputs.map((o) => string(2, o)), string(4, op),
  ...Object.entries(attributes).map(([name, value]) => message(5, [attribute(name, value)])),
  ...(domain ? [string(7, domain)] : []),
]);

function model(nodes, initializers, inputs, outputs) {
  const graph = concat([
    ...nodes.map((n) => bytes(1, n)), string(2, 'attention'),
    ...initializers.map((t) => bytes(5, t)),
    ...inputs.map(([name, dims, type]) => bytes(11, valueInfo(name, dims, type))),
    ...outputs.map(([name, dims]) => bytes(12, valueInfo(name, dims))),
  ]);
  return concat([
    int(1, 8), string(2, 'attention-playground bench'),
    message(8, [string(1, ''), int(2, 17)]), message(8, [string(1, 'com.microsoft'), int(2, 1)]),
    bytes(7, graph),
  ]);
}

// Attention over projected q, k, v (n, d) with plain ops; returns nodes and initializers, output 'heads' (n, d).
function plainAttention(n, d, heads) {
  const dk = d / heads;
  const shape = (name, dims) => tensor(name, [dims.length], BigInt64Array.from(dims, BigInt));
  return {
    initializers: [shape('split', [n, heads, dk]), shape('merged', [n, d]), tensor('scale', [], Float32Array.of(1 / Math.sqrt(dk)))],
    nodes: [
      node('Reshape', ['q', 'split'], ['q3']), node('Transpose', ['q3'], ['qh'], { perm: [1, 0, 2] }),
      node('Reshape', ['k', 'split'], ['k3']), node('Transpose', ['k3'], ['kt'], { perm: [1, 2, 0] }),
      node('Reshape', ['v', 'split'], ['v3']), node('Transpose', ['v3'], ['vh'], { perm: [1, 0, 2] }),
      node('MatMul', ['qh', 'kt'], ['scores']), node('Mul', ['scores', 'scale'], ['scaled']),
      node('Softmax', ['scaled'], ['weights'], { axis: -1 }), node('MatMul', ['weights', 'vh'], ['oh']),
      node('Transpose', ['oh'], ['o3'], { perm: [1, 0, 2] }), node('Reshape', ['o3', 'merged'], ['heads']),
    ],
  };
}

// The multi-head forward y = Attention(x·Wq, x·Wk, x·Wv)·Wo. Inputs: x (n, d); weights are initializers. With
// `probabilities` (plain ops only: the fused ops do not return them), the attention weights are a second output,
// 'weights' (heads, n, n), as a library user who draws them asks for.
export function forwardGraph(n, d, heads, { wq, wk, wv, wo }, fused, probabilities = false) {
  const weights = [tensor('wq', [d, d], wq), tensor('wk', [d, d], wk), tensor('wv', [d, d], wv), tensor('wo', [d, d], wo)];
  if (fused) {
    // com.microsoft Attention: x (1, n, d) with packed weights (d, 3d) and bias (3d), then W_O.
    const packed = new Float32Array(d * 3 * d);
    for (let r = 0; r < d; r++) {
      packed.set(wq.subarray(r * d, r * d + d), r * 3 * d);
      packed.set(wk.subarray(r * d, r * d + d), r * 3 * d + d);
      packed.set(wv.subarray(r * d, r * d + d), r * 3 * d + 2 * d);
    }
    return model([
      node('Attention', ['x', 'wqkv', 'bqkv'], ['heads'], { num_heads: heads }, 'com.microsoft'),
      node('MatMul', ['heads', 'wo'], ['y']),
    ], [tensor('wqkv', [d, 3 * d], packed), tensor('bqkv', [3 * d], new Float32Array(3 * d)), weights[3]],
    [['x', [1, n, d]]], [['y', [1, n, d]]]);
  }
  const attention = plainAttention(n, d, heads);
  return model([
    node('MatMul', ['x', 'wq'], ['q']), node('MatMul', ['x', 'wk'], ['k']), node('MatMul', ['x', 'wv'], ['v']),
    ...attention.nodes, node('MatMul', ['heads', 'wo'], ['y']),
  ], [...weights, ...attention.initializers], [['x', [n, d]]],
  [['y', [n, d]], ...(probabilities ? [['weights', [heads, n, n]]] : [])]);
}

// Attention alone: inputs q, k, v (n, d), heads of d / heads columns each; output (n, d).
export function attentionGraph(n, d, heads, fused) {
  if (fused) {
    return model([node('MultiHeadAttention', ['q', 'k', 'v'], ['heads'], { num_heads: heads }, 'com.microsoft')], [],
      [['q', [1, n, d]], ['k', [1, n, d]], ['v', [1, n, d]]], [['heads', [1, n, d]]]);
  }
  const attention = plainAttention(n, d, heads);
  return model(attention.nodes, attention.initializers, [['q', [n, d]], ['k', [n, d]], ['v', [n, d]]], [['heads', [n, d]]]);
}

// GPT-2 (transformers' GPT2Model: pre-LN, causal, Conv1D weights (in, out), gelu_new) over `tensors`, the
// checkpoint's tensors by their safetensors names, each { shape, data: Float32Array }; n tokens, `layers` layers of `heads` heads. Input
// 'ids' (n) int64; outputs 'hidden' (n, d), the final LayerNorm's output, and with `attentions` every layer's
// attention probabilities 'attention.<l>' (heads, n, n), as the core's model.run returns them. The graph is
// what an exporter writes for it (MatMul + Add, Split, Reshape/Transpose, a causal mask added to the scaled
// scores, Softmax, LayerNormalization); the GELU is either plain ops in transformers' own form (onnxruntime's
// optimizer fuses what it recognises) or, with fastGelu, com.microsoft's FastGelu contrib op.
export function gpt2Graph(tensors, { n, d, layers, heads }, { attentions = true, fastGelu = false } = {}) {
  const dk = d / heads;
  const init = [];
  const nodes = [];
  const constant = (name, dims, data) => (init.push(tensor(name, dims, data)), name);
  const ints = (name, values) => constant(name, [values.length], BigInt64Array.from(values, BigInt));
  const scalar = (name, value) => constant(name, [], Float32Array.of(value));
  const weight = (name) => constant(name, tensors[name].shape, tensors[name].data);
  // Shapes and constants shared by the layers.
  ints('positions', [...Array(n).keys()]);
  ints('split_qkv', [d, d, d]);
  ints('split_heads', [n, heads, dk]);
  ints('merged', [n, d]);
  scalar('scale', 1 / Math.sqrt(dk));
  const mask = new Float32Array(n * n);  // 0 where key j <= query i, a large negative number above the diagonal
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) mask[i * n + j] = -1e9;
  constant('causal_mask', [n, n], mask);
  if (!fastGelu) scalar('half', 0.5), scalar('one', 1), scalar('three', 3), scalar('gelu_c', Math.sqrt(2 / Math.PI)), scalar('gelu_cubic', 0.044715);
  const op = (type, inputs, output, attributes = {}, domain = '') => (nodes.push(node(type, inputs, [output], attributes, domain)), output);
  const layerNorm = (x, prefix, out) => op('LayerNormalization', [x, weight(`${prefix}.weight`), weight(`${prefix}.bias`)], out, { axis: -1, epsilon: 1e-5 });
  const linear = (x, prefix, out) => op('Add', [op('MatMul', [x, weight(`${prefix}.weight`)], `${out}.matmul`), weight(`${prefix}.bias`)], out);

  let x = op('Add', [op('Gather', [weight('wte.weight'), 'ids'], 'tokens', { axis: 0 }), op('Gather', [weight('wpe.weight'), 'positions'], 'places', { axis: 0 })], 'embeddings');
  for (let l = 0; l < layers; l++) {
    const p = `h.${l}`, name = (s) => `${p}.${s}`;
    const qkv = linear(layerNorm(x, `${p}.ln_1`, name('ln_1')), `${p}.attn.c_attn`, name('qkv'));
    nodes.push(node('Split', [qkv, 'split_qkv'], [name('q'), name('k'), name('v')], { axis: 1 }));
    const perHead = (s, perm) => op('Transpose', [op('Reshape', [name(s), 'split_heads'], name(`${s}3`))], name(`${s}h`), { perm });
    const q = perHead('q', [1, 0, 2]), k = perHead('k', [1, 2, 0]), v = perHead('v', [1, 0, 2]);
    const scores = op('Add', [op('Mul', [op('MatMul', [q, k], name('scores')), 'scale'], name('scaled')), 'causal_mask'], name('masked'));
    const probabilities = op('Softmax', [scores], attentions ? `attention.${l}` : name('probabilities'), { axis: -1 });
    const merged = op('Reshape', [op('Transpose', [op('MatMul', [probabilities, v], name('oh'))], name('o3'), { perm: [1, 0, 2] }), 'merged'], name('heads'));
    const middle = op('Add', [x, linear(merged, `${p}.attn.c_proj`, name('attn_out'))], name('middle'));
    const up = linear(layerNorm(middle, `${p}.ln_2`, name('ln_2')), `${p}.mlp.c_fc`, name('up'));
    let activated;
    if (fastGelu) {
      activated = op('FastGelu', [up], name('gelu'), {}, 'com.microsoft');
    } else {  // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), as transformers' NewGELUActivation
      const cubic = op('Mul', [op('Pow', [up, 'three'], name('cube')), 'gelu_cubic'], name('cubic'));
      const inner = op('Mul', [op('Add', [up, cubic], name('sum')), 'gelu_c'], name('inner'));
      const tanh = op('Add', [op('Tanh', [inner], name('tanh')), 'one'], name('tanh1'));
      activated = op('Mul', [op('Mul', [up, 'half'], name('halfx')), tanh], name('gelu'));
    }
    x = op('Add', [middle, linear(activated, `${p}.mlp.c_proj`, name('mlp_out'))], name('output'));
  }
  layerNorm(x, 'ln_f', 'hidden');
  return model(nodes, init, [['ids', [n], INT64]], [['hidden', [n, d]],
    ...(attentions ? Array.from({ length: layers }, (_, l) => [`attention.${l}`, [heads, n, n]]) : [])]);
}

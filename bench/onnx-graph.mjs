// The ONNX graphs the benchmark gives onnxruntime-web, written as protobuf bytes by hand (no onnx package in
// node): multi-head attention as plain ops (MatMul, Reshape, Transpose, Softmax) and as onnxruntime's fused
// contrib ops (com.microsoft Attention / MultiHeadAttention), for the forward and for attention alone.

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
// ValueInfoProto of a float tensor with fixed dims
const valueInfo = (name, dims) => concat([
  string(1, name),
  message(2, [message(1, [int(1, FLOAT), message(2, dims.map((d) => message(1, [int(1, d)])))])]),
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
    ...inputs.map(([name, dims]) => bytes(11, valueInfo(name, dims))),
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

// Types of the public JS API (hand-written: Emscripten 3.1.6 cannot generate them). Shapes are row-major.

export interface AttentionOptions {
  /** Query i may attend key j only if j <= i (top-left aligned, like torch.tril(ones(n, m))). Default false. */
  causal?: boolean;
  /** (m) entries: 1 = attend, 0 = masked out (padding). Default: every key visible. */
  keyMask?: Uint8Array | null;
  /** Multiplies QKᵀ before the softmax. Default 1/sqrt(dk). */
  scale?: number | null;
}

export interface ScaledDotProductAttentionArgs extends AttentionOptions {
  /** (n, dk) */
  q: Float32Array;
  /** (m, dk) */
  k: Float32Array;
  /** (m, dv) */
  v: Float32Array;
  n: number;
  m: number;
  dk: number;
  dv: number;
}

export interface MultiHeadAttentionArgs extends AttentionOptions {
  /** (n, dModel): the queries' source. */
  x: Float32Array;
  /** (m, dModel): the keys' and values' source (cross-attention). Default: x. */
  context?: Float32Array | null;
  n: number;
  /** Default n. */
  m?: number;
  dModel: number;
  /** Must divide dModel; each head has dk = dModel / heads and uses columns [h·dk, (h+1)·dk). */
  heads: number;
  /** (dModel, dModel) stored [in][out]: y = x · W + b. */
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
  /** (dModel) each, optional. */
  bq?: Float32Array | null;
  bk?: Float32Array | null;
  bv?: Float32Array | null;
  bo?: Float32Array | null;
}

export interface AttentionResult {
  /** (n, dv) for scaledDotProductAttention, (n, dModel) for multiHeadAttention. */
  output: Float32Array;
  /** (n, m), or (heads, n, m) for multiHeadAttention. A row with no visible key is all zeros. */
  weights: Float32Array;
}

export interface HeapStats {
  memoryBytes: number;
  allocatedBytes: number;
}

export interface Attention {
  /** True when the SIMD128 build is the one running. */
  readonly simd: boolean;
  readonly version: string;
  /** The xsimd architecture of the kernels: 'wasm' (SIMD128) or 'emulated' (no SIMD). */
  readonly arch: string;
  /** softmax(scale · QKᵀ + masks) V. Throws TypeError or RangeError naming the bad argument. */
  scaledDotProductAttention(args: ScaledDotProductAttentionArgs): AttentionResult;
  /** Projections, attention per head, concatenation, output projection. Throws like scaledDotProductAttention. */
  multiHeadAttention(args: MultiHeadAttentionArgs): AttentionResult;
  heapStats(): HeapStats;
}

export interface CreateAttentionOptions {
  /** 'auto' (default) picks SIMD when the engine validates it; false forces the scalar build. */
  simd?: 'auto' | boolean;
}

export default function createAttention(options?: CreateAttentionOptions): Promise<Attention>;

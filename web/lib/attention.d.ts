// Types of the public JS API (hand-written: Emscripten 3.1.6 cannot generate them). Shapes are row-major.

export interface AttentionOptions {
  /** Query i may attend key j only if j <= i (top-left aligned, like torch.tril(ones(n, m))). Default false. */
  causal?: boolean;
  /** (m) entries: 1 = attend, 0 = masked out (padding). Default: every key visible. */
  keyMask?: Uint8Array | null;
  /** Multiplies QKᵀ before the softmax. Default 1/sqrt(dk). */
  scale?: number | null;
  /** Return the weights (default true). false: result.weights is null, no (heads, n, m) matrix is ever made
   *  (memory O(n·d) for any length, so n·m may pass the weights' element limit), and the call is faster. */
  weights?: boolean;
}

export interface ScaledDotProductAttentionArgs extends AttentionOptions {
  /** (n, heads·dk) */
  q: Float32Array;
  /** (m, heads·dk) */
  k: Float32Array;
  /** (m, heads·dv) */
  v: Float32Array;
  n: number;
  m: number;
  dk: number;
  dv: number;
  /** Independent attentions side by side (multi-head attention without projections): head h reads columns
   *  [h·dk, (h+1)·dk) of q and k, [h·dv, (h+1)·dv) of v, and writes those of the output. Default 1. */
  heads?: number;
}

export interface MultiHeadInputs extends AttentionOptions {
  /** (n, dModel): the queries' source. */
  x: Float32Array;
  /** (m, dModel): the keys' and values' source (cross-attention). Default: x. */
  context?: Float32Array | null;
  n: number;
  /** Default n. */
  m?: number;
}

export interface MultiHeadProjections {
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

export type MultiHeadAttentionArgs = MultiHeadInputs & MultiHeadProjections;

/** What a call returns: with { weights: false } the weights are null, otherwise a Float32Array. */
export type ResultOf<A extends AttentionOptions> = A extends { weights: false } ? AttentionOutput
  : A extends { weights: boolean } ? AttentionResult | AttentionOutput : AttentionResult;

/** Multi-head attention with its projections held in the wasm heap: run() copies only the inputs. */
export interface PreparedMultiHeadAttention {
  run<A extends MultiHeadInputs>(inputs: A): ResultOf<A>;
  /** Frees the projections; run() throws a RangeError afterwards. */
  dispose(): void;
}

export interface AttentionResult {
  /** (n, heads·dv) for scaledDotProductAttention, (n, dModel) for multiHeadAttention. */
  output: Float32Array;
  /** (heads, n, m) (with one head: (n, m)); a row with no visible key is all zeros. */
  weights: Float32Array;
}

/** The result of a call with { weights: false }. */
export interface AttentionOutput {
  output: Float32Array;
  weights: null;
}

export interface HeapStats {
  /** The wasm memory's size now, and the most it may grow to. */
  memoryBytes: number;
  maximumBytes: number;
  /** The bytes malloc has handed out and not had back. */
  allocatedBytes: number;
}

export interface ModelConfig {
  name: string;
  layers: number;
  heads: number;
  dModel: number;
  vocabSize: number;
  /** Most tokens run() accepts, special tokens included (checkpoints: at most 512). */
  maxLength: number;
  /** True for a GPT-style model: token i attends to tokens 0..i only. */
  causal: boolean;
}

export interface Tokens {
  ids: Int32Array;
  /** How each token shows: a special token's name ('[BOS]', '[CLS]', '[SEP]', '<|endoftext|>'), a WordPiece as
   *  the vocabulary has it ('##ing'), else the text it covers, text.slice(offsets[2i], offsets[2i + 1]). */
  tokens: string[];
  /** [start, end) of each token in the text, in UTF-16 code units ([0, 0] for a special token). */
  offsets: Int32Array;
  /** 1 for a special token the model adds ([BOS], [CLS], [SEP], <|endoftext|>), 0 for the text's own. */
  special: Uint8Array;
}

export interface ModelRun extends Tokens {
  /** (layers, heads, n, n): row i of head h in layer l is how token i attends to every token. */
  attentions: Float32Array;
  /** (layers + 1, n, dModel): the embeddings, then each layer's output; only with { hidden: true }. */
  hidden?: Float32Array;
  /** (layers, n, dModel) each: every layer's queries, keys and values; head h owns columns [h·dk, (h+1)·dk).
   *  Only with { projections: true }. */
  queries?: Float32Array;
  keys?: Float32Array;
  values?: Float32Array;
  /** True when { truncate: true } cut the text to maxLength tokens. */
  truncated: boolean;
  /** How many tokens the whole text has (without [BOS]), before any cut. */
  textTokens: number;
}

export interface RunOptions {
  /** Also return the hidden states. */
  hidden?: boolean;
  /** Also return every layer's queries, keys and values. */
  projections?: boolean;
  /** Cut the text to maxLength tokens instead of throwing a RangeError. */
  truncate?: boolean;
  /** What-if: override the model's mask (true: causal, false: every token sees every token). */
  causal?: boolean;
  /** What-if: false leaves QKᵀ unscaled instead of dividing it by √d_k. Default true. */
  scaled?: boolean;
  /** What-if: divide the scores by this (finite, > 0) before the softmax; above 1 flattens, below 1 sharpens. */
  temperature?: number;
}

export interface Model {
  readonly config: Readonly<ModelConfig>;
  /** The text's tokens, without special tokens. */
  tokenize(text: string): Tokens;
  /** The special tokens and the text's tokens through the model ([BOS] first for the built-in models, [CLS] …
   *  [SEP] for BERT, <|endoftext|> first for GPT-2). Throws RangeError past maxLength unless truncate is set. */
  run(text: string, options?: RunOptions): ModelRun;
  /** Frees the model's wasm memory; the object cannot be used afterwards. */
  dispose(): void;
}

export interface Tokenizer {
  /** The text's tokens, without special tokens. */
  tokenize(text: string): Tokens;
  /** With the special tokens around the text that the tokenizer's post-processor adds (with config.json: the
   *  ones its model's run() adds). No length limit. */
  encode(text: string): Tokens;
  /** Frees the tokenizer's wasm memory; the object cannot be used afterwards. */
  dispose(): void;
}

export interface Attention {
  /** True when the SIMD128 build is the one running. */
  readonly simd: boolean;
  readonly version: string;
  /** The xsimd architecture of the kernels: 'wasm' (SIMD128) or 'emulated' (no SIMD). */
  readonly arch: string;
  /** softmax(scale · QKᵀ + masks) V. Throws TypeError or RangeError naming the bad argument. */
  scaledDotProductAttention<A extends ScaledDotProductAttentionArgs>(args: A): ResultOf<A>;
  /** Projections, attention per head, concatenation, output projection. Throws like scaledDotProductAttention. */
  multiHeadAttention<A extends MultiHeadAttentionArgs>(args: A): ResultOf<A>;
  /** Checks and copies the projections once, for many run() calls. Throws like multiHeadAttention. */
  prepareMultiHeadAttention(projections: MultiHeadProjections): PreparedMultiHeadAttention;
  heapStats(): HeapStats;
  /**
   * 'builtin' (= 'builtin-bidirectional', masked-LM) or 'builtin-causal' (next-token), both trained by this
   * project on WordNet; 'builtin-lens', one layer of four heads set by hand (previous token, next token, same
   * token, first token); or the bytes of a model file. The classic-script build accepts bytes only.
   */
  loadModel(source: 'builtin' | 'builtin-bidirectional' | 'builtin-causal' | 'builtin-lens' | Uint8Array | ArrayBuffer): Promise<Model>;
  /**
   * A Hugging Face checkpoint (model_type bert, distilbert or gpt2; float32, float16 or bfloat16 safetensors)
   * from its files: File objects as chosen in a page, or an object from file names to Blobs, bytes or text.
   * Needs config.json, model.safetensors and the tokenizer: tokenizer.json, or vocab.txt (+ optional
   * tokenizer_config.json) for BERT and DistilBERT, or vocab.json + merges.txt for GPT-2. model.safetensors is
   * read tensor by tensor. Rejects with an Error whose message starts with the file at fault.
   */
  loadCheckpoint(files: File[] | FileList | Record<string, Blob | Uint8Array | string>,
                 options?: { onProgress?: (progress: { loaded: number; total: number }) => void }): Promise<Model>;
  /**
   * A checkpoint's tokenizer alone, from the same kinds of files as loadCheckpoint without model.safetensors:
   * tokenizer.json (read as the tokenizers library reads it), or with config.json the files its model type
   * reads. Rejects with an Error whose message starts with the file at fault.
   */
  loadTokenizer(files: File[] | FileList | Record<string, Blob | Uint8Array | string>): Promise<Tokenizer>;
}

export interface CreateAttentionOptions {
  /** 'auto' (default) picks SIMD when the engine validates it; false forces the scalar build. */
  simd?: 'auto' | boolean;
}

export default function createAttention(options?: CreateAttentionOptions): Promise<Attention>;

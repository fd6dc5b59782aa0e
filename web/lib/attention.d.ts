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
  /** config.json's model_type ('gpt2', 'llama', 'qwen3', …), or 'builtin'. */
  family: string;
  /** Key/value heads: fewer than heads with grouped-query attention, where query head h reads key/value head
   *  floor(h / (heads / kvHeads)). */
  kvHeads: number;
  /** Each head's dimensions (dModel / heads unless the model says otherwise). */
  headDim: number;
  /** True when q and k are rotated by RoPE before their dot products (the queries and keys returned are rotated). */
  rotary: boolean;
  /** True when the model has its output head (run's predict works): false for a checkpoint without one, such as
   *  BertModel's or GPT2Model's. */
  canPredict: boolean;
  /** A masked LM's mask token as typed in a text ('[MASK]' for the built-in bidirectional model, BERT and
   *  DistilBERT; '<mask>' for RoBERTa): a text holding it runs with that token there, which predict fills in.
   *  null for causal models. */
  maskToken: string | null;
  /** How the attention scores are made (for redoing them, as the steps view does): q·k times `scale`
   *  (1/√headDim unless the model says otherwise, e.g. Gemma 2's query_pre_attn_scalar), soft-capped at
   *  softcap·tanh(s/softcap) where softcap > 0 (Gemma 2), and in layer l a sliding window: query i sees only keys
   *  j > i − windows[l] (0: every key the mask allows; Mistral, Qwen2, Gemma 2's alternate layers). */
  scale: number;
  softcap: number;
  windows: readonly number[];
}

export interface Tokens {
  ids: Int32Array;
  /** How each token shows: a special token's name ('[BOS]', '[CLS]', '[SEP]', '<|endoftext|>'; also where the
   *  text types one, as '[MASK]' or '<mask>': it is that token, with the spaces before it that it takes), a WordPiece as
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
  /** Every layer's queries (layers, n, heads·headDim), keys and values (layers, n, kvHeads·headDim); head h owns
   *  columns [h·headDim, (h+1)·headDim) (key/value head g likewise). Rotated by RoPE where config.rotary. Only with
   *  { projections: true }. */
  queries?: Float32Array;
  keys?: Float32Array;
  values?: Float32Array;
  /** With { trace: { layer, head } }: where that head's weighted sum goes. All rows are tokens (n). */
  trace?: {
    /** (n, dk): the head's output, Σ_j weight_ij · v_j. */
    headOutput: Float32Array;
    /** (n, dModel): headOutput · the head's rows of W_O (no bias): what this head adds to the stream. */
    contribution: Float32Array;
    /** (n, dModel): every head's contribution summed, plus W_O's bias. */
    attentionOutput: Float32Array;
    /** (n, dModel): the residual stream entering the layer, and after the attention block (its residual added,
     *  normed for post-LayerNorm models such as BERT). */
    residualBefore: Float32Array;
    residualAfter: Float32Array;
  };
  /** With { predict: k }: the k most probable tokens at each position, from the model's output head after a softmax
   *  over the whole vocabulary — for a causal model the next token, for a masked LM the token at that position. */
  predictions?: {
    k: number;
    /** (n, k): most probable first. */
    ids: Int32Array;
    /** (n·k): each id's piece as the vocabulary has it ('##ing', 'Ġthe' shows as ' the'). */
    tokens: string[];
    /** (n, k) */
    probs: Float32Array;
    /** (n): the target scored at each position, -1 for none (the targets given, or by default: the next token for
     *  a causal model, the token itself at each text position but the mask tokens for a masked LM). */
    targets: Int32Array;
    /** (n): each target's probability; NaN where there is none. */
    targetProbs: Float32Array;
    /** The mean of -ln(targetProbs) over the positions with a target; NaN when none has. */
    loss: number;
  };
  /** True when { truncate: true } cut the text to maxLength tokens. */
  truncated: boolean;
  /** How many tokens the whole text has (without [BOS]), before any cut. */
  textTokens: number;
  /** The leading tokens whose rows came from this model's last run instead of being computed again: a causal
   *  model keeps its last run (keys, values, every output row) and recomputes only the tokens after the prefix
   *  that the new text shares with it, under the same what-if options (the same text again: none, and `reused` is
   *  n). Same numbers either way. */
  reused: number;
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
  /** Follow one head past the attention: adds `trace` to the result. */
  trace?: { layer: number; head: number };
  /** Adds `predictions`: the k (1..100) most probable tokens at every position. Throws an Error naming the missing
   *  tensors when the model has no output head (config.canPredict is false). */
  predict?: number;
  /** With predict: the token to score at each of the n positions (-1: none), instead of the default targets. */
  targets?: Int32Array;
  /** What-if: [layer, head] pairs whose outputs are set to zero before W_O (zero ablation), so that later layers'
   *  attentions and the predictions change and earlier layers' stay exactly as they were. */
  ablate?: Array<[number, number]>;
  /** false: compute every token's rows, forgetting what a causal model kept of its last run (see `reused`);
   *  for timing a whole run. Default true. */
  reuse?: boolean;
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
  /** True when the SIMD128 build is the one running (the threaded build is one). */
  readonly simd: boolean;
  /** How many threads a model's run is split between. */
  readonly threads: number;
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
                 options?: LoadOptions & {
                   /** The model's config.name (e.g. its folder's name); default: config.json's architecture. */
                   name?: string;
                 }): Promise<Model>;
  /**
   * A checkpoint on the Hugging Face Hub (or a mirror) by its repository's name ('openai-community/gpt2', or a
   * legacy name such as 'gpt2', which the Hub redirects to its canonical repository): the same Model as
   * loadCheckpoint of its files, with config.name the canonical repository and `hub` saying where it came from.
   * The revision is resolved to a commit by the Hub's API; config.json and the tokenizer's files are read whole,
   * the safetensors in HTTP byte ranges (never whole). Where Cache Storage exists (pages and workers of a
   * secure context), what is read is kept on this device under the repository and commit, and read from there
   * next time (a commit kept here needs no network). Rejects with an Error whose message starts with the
   * repository's name (not found, gated or private, an architecture the core cannot read, no range support, the
   * network down), a TypeError or RangeError naming a bad argument before any request, or the signal's
   * AbortError.
   */
  loadFromHub(repo: string, options?: HubOptions): Promise<Model & { readonly hub: HubSource }>;
  /** What loadFromHub would read, from the Hub's API (or this device's copy), without reading it. */
  hubInfo(repo: string, options?: Omit<HubOptions, 'onProgress'>): Promise<HubInfo>;
  /**
   * A checkpoint's tokenizer alone, from the same kinds of files as loadCheckpoint without model.safetensors:
   * tokenizer.json (read as the tokenizers library reads it), or with config.json the files its model type
   * reads. Rejects with an Error whose message starts with the file at fault.
   */
  loadTokenizer(files: File[] | FileList | Record<string, Blob | Uint8Array | string>): Promise<Tokenizer>;
}

export interface LoadOptions {
  /** Bytes of the tensors read so far, of `total`; called as they arrive (at most about a thousand times). */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Cancels the load: it rejects with the signal's reason (an AbortError) and frees what it holds. */
  signal?: AbortSignal;
}

export interface HubOptions extends LoadOptions {
  /** The hub's base URL (HF_ENDPOINT for the Python library): http(s), no query. Default 'https://huggingface.co'. */
  endpoint?: string;
  /** A branch, tag or 40-digit commit. Default 'main'. */
  revision?: string;
  /** false: neither read nor keep this device's copy. Default true (where Cache Storage exists). */
  cache?: boolean;
}

export interface HubSource {
  endpoint: string;
  /** The canonical repository ('openai-community/gpt2' for 'gpt2'). */
  repo: string;
  /** The revision asked for, and the commit it resolved to (null only from a mirror without the API). */
  revision: string;
  sha: string | null;
  /** Now kept on this device (Cache Storage), so that the next load of this commit reads nothing over the network. */
  kept: boolean;
  /** Every byte came from this device's copy. */
  fromDevice: boolean;
  /** Bytes of bodies received over the network. */
  downloaded: number;
  /** Why it was not kept (a full quota, …), or that the copy on this device was used offline; else null. */
  note: string | null;
}

export interface HubInfo {
  endpoint: string;
  repo: string;
  revision: string;
  sha: string | null;
  /** The files a load reads, with their sizes as the Hub reports them (null where it does not). */
  files: { name: string; size: number | null }[];
  /** Their sum, null when a size is unknown: the most a load downloads (tensors it skips are not read). */
  bytes: number | null;
  /** This device has the model: opening it downloads nothing. */
  kept: boolean;
}

export interface CreateAttentionOptions {
  /** 'auto' (default) picks SIMD when the engine validates it; false forces the scalar build. */
  simd?: 'auto' | boolean;
  /** Threads a model's run is split between: 1 (default), 2 to 8, or 'auto' (the device's cores, up to 4, where
   *  the threaded build can run, else 1). More than 1 needs dist/attention.mjs in node, or in a browser a
   *  cross-origin-isolated page (COOP same-origin, COEP require-corp) in a Worker; otherwise a number above 1
   *  rejects with an Error naming threads. */
  threads?: 'auto' | number;
}

export default function createAttention(options?: CreateAttentionOptions): Promise<Attention>;

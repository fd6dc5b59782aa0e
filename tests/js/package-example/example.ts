// Type-checked against the packed package's attention.d.ts by tests/js/package.test.mjs (tsc --noEmit).
import createAttention, { type Attention, type AttentionResult } from 'attention-playground';

async function main(): Promise<number> {
  const attn: Attention = await createAttention({ simd: 'auto' });
  const simd: boolean = attn.simd;
  const threads: number = (await createAttention({ threads: 'auto' })).threads + (await createAttention({ threads: 2 })).threads;
  const version: string = attn.version;
  const result: AttentionResult = attn.scaledDotProductAttention({
    q: new Float32Array(4), k: new Float32Array(4), v: new Float32Array(4), n: 2, m: 2, dk: 2, dv: 2,
    causal: true, keyMask: new Uint8Array([1, 1]), scale: 0.5,
  });
  const mha = attn.multiHeadAttention({
    x: new Float32Array(8), n: 2, dModel: 4, heads: 2,
    wq: new Float32Array(16), wk: new Float32Array(16), wv: new Float32Array(16), wo: new Float32Array(16),
  });
  // @ts-expect-error q must be a Float32Array, not number[]
  attn.scaledDotProductAttention({ q: [1, 2], k: new Float32Array(4), v: new Float32Array(4), n: 2, m: 2, dk: 2, dv: 2 });
  // @ts-expect-error heads is required
  attn.multiHeadAttention({ x: new Float32Array(8), n: 2, dModel: 4, wq: new Float32Array(16), wk: new Float32Array(16), wv: new Float32Array(16), wo: new Float32Array(16) });
  // Prepared projections, and a call without weights: the type says weights is null.
  const prepared = attn.prepareMultiHeadAttention({
    dModel: 4, heads: 2, wq: new Float32Array(16), wk: new Float32Array(16), wv: new Float32Array(16), wo: new Float32Array(16),
  });
  const lean = prepared.run({ x: new Float32Array(8), n: 2, weights: false });
  const none: null = lean.weights;
  const manyHeads = attn.scaledDotProductAttention({ q: new Float32Array(8), k: new Float32Array(8), v: new Float32Array(8), n: 2, m: 2, dk: 2, dv: 2, heads: 2 });
  // @ts-expect-error with weights requested (the default) they are never null
  const notNull: null = manyHeads.weights;
  prepared.dispose();
  // @ts-expect-error simd takes 'auto' or a boolean
  await createAttention({ simd: 'fast' });
  // @ts-expect-error threads takes 'auto' or a number
  await createAttention({ threads: 'many' });
  const model = await attn.loadModel('builtin-causal');
  const run = model.run('The cat sat', { hidden: true, truncate: true });
  const heads: number = model.config.heads;
  const firstToken: string = run.tokens[0];
  const attentions: Float32Array = run.attentions;
  // @ts-expect-error only the built-in names or bytes
  await attn.loadModel('gpt-5');
  model.dispose();
  // A model from the Hugging Face Hub (not awaited here: no network in this check), and what it would download.
  const controller = new AbortController();
  const fromHub = attn.loadFromHub('openai-community/gpt2', { revision: 'main', signal: controller.signal,
    onProgress: ({ loaded, total }) => console.log(loaded / total) });
  fromHub.then((m) => { const commit: string | null = m.hub.sha; const kept: boolean = m.hub.kept; console.log(commit, kept, m.config.name); }, () => {});
  attn.hubInfo('gpt2', { endpoint: 'https://huggingface.co' }).then((info) => { const bytes: number | null = info.bytes; console.log(bytes); }, () => {});
  controller.abort();
  // @ts-expect-error the repository is a string
  attn.loadFromHub({ repo: 'gpt2' });
  const weights: Float32Array = result.weights;
  return weights.length + (none ?? notNull ?? []).length + mha.output.length + (simd ? 1 : 0) + threads + version.length + heads + firstToken.length + attentions.length;
}

main().then((count) => console.log(`example ran: ${count}`));

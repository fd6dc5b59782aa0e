// The core for the one-file offline playground (tools/build/build-offline.mjs puts it where the page imports
// ./dist/attention.mjs): both wasm builds and all three built-in models inside the file.
import bidirectional from '@models/builtin-bidirectional.attn';
import causal from '@models/builtin-causal.attn';
import lens from '@models/builtin-lens.attn';
import { inlinedCreateAttention } from './attention.inlined.mjs';

const models = { 'builtin-bidirectional': bidirectional, 'builtin-causal': causal, 'builtin-lens': lens };

export default inlinedCreateAttention(async (name) => models[name]);

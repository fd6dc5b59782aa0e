// Bundled by tools/build/bundle.mjs into dist/attention-view.scalar.js: the scalar build for <attention-view>,
// which loads it beside itself only in browsers without WebAssembly SIMD.
import { scalarBuild } from './inlined-builds.mjs';

(globalThis.attentionView ??= {}).scalar = scalarBuild;

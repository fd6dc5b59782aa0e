// The playground's Web Worker, for your own and the Hub's models (the built-in ones are computed on the page):
// loads the core, with its threads, and the models once and answers each request with everything the views show
// (web/lib/analysis.mjs), so that their runs of hundreds of milliseconds never hold up the page's thread. The
// page starts it, when it first needs it, as one file with all it imports, dist/playground-worker.mjs
// (tools/build/playground-bundles.mjs).
import createAttention from './dist/attention.mjs';
import { serveRequests } from './lib/compute.mjs';

// Its threads (the threaded build) where the page is cross-origin isolated, one elsewhere; ?threads=1 asks for one,
// ?simd=0 for the scalar build (which has one).
const query = new URLSearchParams(self.location.search);
const simd = query.get('simd') === '0' ? false : 'auto';
serveRequests(self, createAttention, { simd, threads: simd === false || query.get('threads') === '1' ? 1 : 'auto' });

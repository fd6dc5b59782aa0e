// The playground's Web Worker: loads the core and the models once and answers each request with everything
// the views show (web/lib/analysis.mjs), so typing never waits for a computation on the page's thread.
import createAttention from './dist/attention.mjs';
import { serveRequests } from './lib/compute.mjs';

serveRequests(self, createAttention, { simd: new URLSearchParams(self.location.search).get('simd') === '0' ? false : 'auto' });

// The playground's service worker: after the first visit, the page works with the network off. It caches the
// files listed in dist/precache.js (tools/build/precache.mjs) under a cache named by their version; a new version is
// installed beside the old one and waits until the page asks for it (its "Reload" button), so an open page
// never mixes files of two versions; then the old cache is deleted. Same-origin GETs only; the rest untouched.
importScripts('dist/precache.js');

const PREFIX = 'attention-playground-';
const CACHE = `${PREFIX}${self.PRECACHE.version}`;
const BY_HUB = `${CACHE}-by-hub`;  // pages and workers asked with ?hub=, by their whole address

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(self.PRECACHE.files.map((path) => new Request(path, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE && name !== BY_HUB) await caches.delete(name);
    // Pages open now that were asked with ?hub= came before this worker: keep them and their worker as later
    // ones are kept, so that they too open offline.
    for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
      const url = new URL(client.url);
      url.hash = '';
      if (url.searchParams.has('hub')) for (const address of [url.href, workerOf(url)]) await networkFirst(new Request(address)).catch(() => {});
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

// Cache first for the playground's files; what is not cached yet (embed.html, the element bundle, …) is fetched
// and kept for next time — only plain files: same-origin GETs without a query. Computed answers are never kept
// (oembed.json's depends on its query). A page or worker asked with ?hub= (the server gave it a CSP that allows
// that mirror) comes from the network, or else from a copy of that very address kept in a cache of its own: the
// service worker never serves a page whose CSP was made for another hub. Models from a hub are not its business
// (web/lib/hub-cache.mjs keeps them, in a cache it leaves alone).
self.addEventListener('fetch', (event) => {
  const { request } = event, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.endsWith('/oembed.json')) return;
  event.respondWith(url.searchParams.has('hub') ? networkFirst(request) : cacheFirst(request, url));
  // The page starts its worker only for a model from the hub: kept now (if no copy is), there is one to open a
  // model offline with. (A page that starts it renews the copy.)
  if (request.mode === 'navigate' && url.searchParams.has('hub')) event.waitUntil(keepWorkerOf(url).catch(() => {}));
});

async function keepWorkerOf(url) {
  const worker = new Request(workerOf(url));
  if (!(await (await caches.open(BY_HUB)).match(worker))) await networkFirst(worker);
}

// The address of the worker that the page at `url` starts (web/app.mjs gives it the page's query).
const workerOf = (url) => new URL(`dist/playground-worker.mjs${url.search}`, self.registration.scope).href;

async function cacheFirst(request, url) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });  // ?simd=0 asks for the same file
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic' && url.search === '') await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(BY_HUB);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const copy = await cache.match(request);  // the same address, query and all
    if (copy) return copy;
    throw error;
  }
}

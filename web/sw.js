// The playground's service worker: after the first visit, the page works with the network off. It caches the
// files listed in dist/precache.js (tools/build/precache.mjs) under a cache named by their version; a new version is
// installed beside the old one and waits until the page asks for it (its "Reload" button), so an open page
// never mixes files of two versions; then the old cache is deleted. Same-origin GETs only; the rest untouched.
importScripts('dist/precache.js');

const PREFIX = 'attention-playground-';
const CACHE = `${PREFIX}${self.PRECACHE.version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(self.PRECACHE.files.map((path) => new Request(path, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

// Cache first; what is not cached yet (embed.html, the element bundle, …) is fetched and kept for next time.
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
    return response;
  })());
});

// Offline use after the first visit (web/sw.js). A new version installs beside the old one and waits until the
// reader chooses Reload, so an open page never mixes files of two versions.
export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
  const banner = document.getElementById('update');
  const registration = await navigator.serviceWorker.register('sw.js');
  const offer = (worker) => {
    banner.hidden = false;
    document.getElementById('update-reload').onclick = () => worker.postMessage('skip-waiting');
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!banner.hidden && !reloading) { reloading = true; location.reload(); }
  });
}

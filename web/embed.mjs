// web/embed.html, for iframes: the playground's state from the hash into an <attention-view>, the element's
// changes back into the hash and the "open in the playground" link, and the page's height to the parent
// window (postMessage { type: 'attention-playground:height', height }), so the host can size the iframe. A model
// from the Hub (model=hf:…) opens as the element opens it; ?hub=<endpoint> names a mirror, as on the playground.
import { endpointOrNull } from './lib/hub-names.mjs';
import { elementAttributes } from './lib/share.mjs';
import { parseHash, toHash } from './lib/state.mjs';

const viewer = document.getElementById('view'), open = document.getElementById('open');
let state = parseHash(location.hash);
const mirror = endpointOrNull(new URLSearchParams(location.search).get('hub') ?? '');
if (mirror) viewer.setAttribute('hub', mirror);

function show() {
  const attributes = elementAttributes(state);
  for (const name of ['sentence', 'model', 'layer', 'head', 'token', 'view', 'causal']) {
    if (name in attributes) viewer.setAttribute(name, attributes[name]);
    else viewer.removeAttribute(name);
  }
  open.href = `./${location.search}${toHash(state)}`;
  document.title = `Self-attention on “${state.text}” — attention playground`;
}

viewer.addEventListener('attention-view-change', ({ detail }) => {
  state = { ...state, text: detail.sentence, layer: detail.layer, head: detail.head, token: detail.token, view: detail.view };
  history.replaceState(null, '', `${location.pathname}${location.search}${toHash(state)}`);
  open.href = `./${location.search}${toHash(state)}`;
});
window.addEventListener('hashchange', () => { state = parseHash(location.hash); show(); });

// The height, whenever it changes (the view's size follows the sentence's length).
let reported = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== reported && window.parent !== window) window.parent.postMessage({ type: 'attention-playground:height', height }, '*');
  reported = height;
}).observe(document.documentElement);

show();

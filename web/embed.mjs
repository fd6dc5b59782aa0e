// web/embed.html, for iframes: the playground's state from the hash into an <attention-view> (all of it that
// the element shows: web/lib/share.mjs's elementAttributes), the element's changes back into the hash and the
// "open in the playground" link, and the page's height to the parent window (postMessage { type:
// 'attention-playground:height', height }), so the host can size the iframe. A model from the Hub (model=hf:…)
// opens as the element opens it; ?hub=<endpoint> names a mirror, as on the playground.
import { endpointOrNull } from './lib/hub-names.mjs';
import { elementAttributes } from './lib/share.mjs';
import { readHash, writeHash } from './lib/state.mjs';
import { STATE_ATTRIBUTES } from './lib/view-rules.mjs';

const viewer = document.getElementById('view'), open = document.getElementById('open');
let state = null;
const mirror = endpointOrNull(new URLSearchParams(location.search).get('hub') ?? '');
if (mirror) viewer.setAttribute('hub', mirror);

async function show() {
  ({ state } = await readHash(location.hash));
  const attributes = elementAttributes(state);
  for (const name of [...Object.values(STATE_ATTRIBUTES), 'causal']) {
    if (name in attributes) viewer.setAttribute(name, attributes[name]);
    else viewer.removeAttribute(name);
  }
  open.href = `./${location.search}${await writeHash(state)}`;
  document.title = `Self-attention on “${state.text}” — attention playground`;
}

// A choice made in the element (its settings: web/lib/view-rules.mjs's elementSettings) into the hash.
viewer.addEventListener('attention-view-change', async ({ detail }) => {
  if (!state) return;
  const { sentence, causal, ...same } = detail;
  state = { ...state, ...Object.fromEntries(Object.keys(STATE_ATTRIBUTES).filter((name) => name in same).map((name) => [name, same[name]])), text: sentence };
  const hash = await writeHash(state);
  history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
  open.href = `./${location.search}${hash}`;
});
window.addEventListener('hashchange', show);

// The height, whenever it changes (the view's size follows the sentence's length).
let reported = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== reported && window.parent !== window) window.parent.postMessage({ type: 'attention-playground:height', height }, '*');
  reported = height;
}).observe(document.documentElement);

show();

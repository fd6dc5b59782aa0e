// <attention-view model="hf:<repo>[@<revision>]" hub="<endpoint>">: a model from the Hugging Face Hub (or the
// mirror `hub` names) in the element. A model kept on this device opens without a request. Otherwise the element
// asks first — a button "Open <repo> from <host>", since nothing may be requested before the reader asks — then
// confirms above 100 MB, and loads it with progress and a Cancel button. Every element of a page shares one
// engine, which holds one model from a hub at a time. DOM; bundled with web/attention-view.mjs.
import { findKept, keepAlias } from './lib/hub-cache.mjs';
import { byteSize } from './lib/hub-http.mjs';
import { CONFIRM_ABOVE_BYTES } from './lib/hub-models.mjs';
import { DEFAULT_ENDPOINT, checkEndpoint, endpointLabel, parseHubModel, shortCommit } from './lib/hub-names.mjs';

const opened = new Map();   // `${endpoint} ${model attribute}` -> the engine's name for it, on this page
let current = null;         // the name of the model from a hub the engine holds now

const element = (tag, properties = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
};
const button = (text, onClick) => {
  const node = element('button', { type: 'button', textContent: text });
  node.addEventListener('click', onClick);
  return node;
};

// For one element: { model(attribute, hubAttribute) -> the engine's name for that model, or null while the reader
// is asked (shown in `view`) }. engine(): the page's shared engine; say(text, isError): the element's status line;
// rerender(): run the element's update again.
export function elementHub({ view, say, engine, rerender }) {
  let asked = null;  // { key, wanted: { repo, revision }, endpoint } of the model this element asks about or loads
  let busy = false;

  function offer(message, isError = false) {
    const { wanted, endpoint } = asked;
    busy = true;
    view.replaceChildren(element('p', { className: 'hub-offer' },
      `This view shows ${wanted.repo}, a model on ${endpoint === DEFAULT_ENDPOINT ? 'the Hugging Face Hub' : `the mirror ${endpoint}`}. `,
      button(`Open it from ${endpointLabel(endpoint)}`, ask)));
    say(message, isError);
  }

  async function load(info) {
    const { key, wanted } = asked, controller = new AbortController();
    const bar = element('progress');
    view.replaceChildren(element('p', { className: 'hub-load' }, bar, ' ', button('Cancel', () => controller.abort())));
    say(`Opening ${info.repo} from ${info.kept ? 'this device' : endpointLabel(info.endpoint)}…`);
    try {
      const { name, hub } = await (await engine()).loadFromHub({ repo: info.repo, endpoint: info.endpoint, revision: info.sha ?? info.revision }, {
        signal: controller.signal,
        onProgress: ({ loaded, total }) => {
          Object.assign(bar, { max: total, value: loaded });
          say(`Reading ${info.repo}: ${byteSize(loaded)} of ${byteSize(total)}`);
        },
      });
      if (hub.kept) await keepAlias({ endpoint: hub.endpoint, repo: wanted.repo, revision: wanted.revision ?? 'main' }, hub);
      opened.set(key, name);
      current = name;
      busy = false;
      rerender();
    } catch (error) {
      offer(error.name === 'AbortError' ? `Cancelled: ${info.repo} was not opened.` : `Could not open ${info.repo}: ${error.message}`, error.name !== 'AbortError');
    }
  }

  // What it downloads, a confirmation above 100 MB, then the load.
  async function ask() {
    const { wanted, endpoint } = asked;
    say(`Asking ${endpointLabel(endpoint)} about ${wanted.repo}…`);
    let info;
    try {
      info = await (await engine()).hubInfo({ repo: wanted.repo, endpoint, revision: wanted.revision ?? 'main' });
    } catch (error) {
      return offer(error.message, true);
    }
    if (info.kept || (info.bytes !== null && info.bytes <= CONFIRM_ABOVE_BYTES)) return load(info);
    view.replaceChildren(element('p', { className: 'hub-offer' },
      `${info.repo} (commit ${shortCommit(info.sha ?? info.revision)}) is ${info.bytes === null ? 'of unknown size' : `up to ${byteSize(info.bytes)}`} to download; it is kept on this device afterwards. `,
      button('Download and open', () => load(info)), ' ', button('Not now', () => offer(''))));
    say('');
  }

  return {
    async model(attribute, hubAttribute) {
      const wanted = parseHubModel(attribute);
      if (!wanted) throw new RangeError(`model: '${attribute}' is not a model on the Hub; expected hf:name, hf:owner/name or hf:owner/name@revision`);
      const endpoint = hubAttribute === null ? DEFAULT_ENDPOINT : checkEndpoint(hubAttribute, 'hub');
      const key = `${endpoint} ${attribute}`;
      if (current !== null && opened.get(key) === current) return current;
      if (busy && asked?.key === key) return null;  // already asking or loading
      asked = { key, wanted, endpoint };
      busy = true;
      const manifest = await findKept({ endpoint, repo: wanted.repo, revision: wanted.revision ?? 'main' });
      if (asked.key !== key) return null;  // the attributes changed meanwhile
      if (manifest) load({ repo: manifest.repo, sha: manifest.sha, revision: manifest.sha, endpoint, kept: true });
      else offer('');
      return null;
    },
  };
}

// "Open from the Hugging Face Hub…": a model by its repository's name, typed or chosen among the small models
// this playground reads (each with its download size, asked of the Hub's API when the dialog opens), a
// confirmation above 100 MB, the load with progress and Cancel (web/controllers/model-loads.mjs), and the models
// kept on this device (open, delete). The permalink carries the repository and its commit: a link to a model kept
// on this device opens it without a request; otherwise the page offers to open it, with the same confirmation.
// A mirror named by the page's ?hub=<endpoint> is used only once the reader says so. Nothing is asked of any hub
// before the reader asks for a model (opening the dialog asks for the suggested models' sizes).
import { deleteKept, findKept, keepAlias, keptModels } from '../lib/hub-cache.mjs';
import { byteSize } from '../lib/hub-http.mjs';
import { CONFIRM_ABOVE_BYTES, SUGGESTED_MODELS } from '../lib/hub-models.mjs';
import { DEFAULT_ENDPOINT, checkRepository, endpointLabel, endpointOrNull, parseHubModel, shortCommit } from '../lib/hub-names.mjs';
import { setHidden } from '../ui/children.mjs';
import { describeModel } from './model-picker.mjs';

const $ = (id) => document.getElementById(id);
const element = (tag, properties = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
};
const sizeText = (info) => (info.kept ? 'on this device' : info.bytes === null ? 'size unknown' : byteSize(info.bytes));

// available: false where no hub can be reached (the one-file offline playground, whose CSP allows no connection).
export function bindHub(store, engine, loads, { available }) {
  const dialog = $('hub'), errorLine = $('hub-error'), confirm = $('hub-confirm');
  const named = new URLSearchParams(location.search).get('hub');
  const mirror = named === null ? null : endpointOrNull(named);
  let mirrorChoice = mirror === null || mirror === DEFAULT_ENDPOINT ? 'hub' : null;  // null: not answered yet
  const endpoint = () => (mirrorChoice === 'mirror' ? mirror : DEFAULT_ENDPOINT);
  const infos = new Map();  // `${endpoint} ${repo}` -> Promise of hubInfo at 'main', asked once per page
  const infoAt = (repo, at) => {
    const key = `${at} ${repo}`;
    if (!infos.has(key)) infos.set(key, engine.hubInfo({ repo, endpoint: at, revision: 'main' }).catch((error) => { infos.delete(key); throw error; }));
    return infos.get(key);
  };
  let loaded = null, handled = null, confirmed = null;  // the open model's name; the link's model already handled; the model awaiting a yes

  $('hub-open').hidden = !available;
  $('hub-unavailable').hidden = available;
  const say = (text, isError = false) => {
    errorLine.textContent = text;
    errorLine.classList.toggle('error', isError);
  };

  // The hub's model into the engine, then onto the page. asked: { repo, revision } as the reader named it.
  async function open(info, asked) {
    if (dialog.open) dialog.close();
    confirm.hidden = true;
    $('hub-offer').hidden = true;
    loads.say(`Opening ${info.repo} from ${info.kept ? 'this device' : endpointLabel(info.endpoint)}…`);
    const result = await loads.run(info.repo, (options) =>
      engine.loadFromHub({ repo: info.repo, endpoint: info.endpoint, revision: info.sha ?? info.revision }, options));
    if (!result) return;
    const { config, hub, name } = result;
    const read = hub.fromDevice ? 'read from this device' : `${byteSize(hub.downloaded)} read from ${endpointLabel(hub.endpoint)}`;
    loads.say(`Opened ${describeModel(config)} (commit ${shortCommit(hub.sha ?? hub.revision)}, ${read}${hub.kept ? ', kept on this device' : ''}).${hub.note ? ` ${hub.note[0].toUpperCase()}${hub.note.slice(1)}.` : ''}`);
    if (hub.kept) {
      await keepAlias({ endpoint: hub.endpoint, ...asked }, hub);
      navigator.storage?.persist?.().catch(() => {});  // ask the browser not to evict it under pressure
    }
    loaded = handled = name;
    infos.clear();  // what they said about this device is out of date
    store.commit({ ...store.state, model: name, layer: 0, head: 0 }, store.state.model !== name);
  }

  // A model asked for by name: what it would download, a confirmation above 100 MB, then open.
  async function choose(repo, { revision = 'main', at = endpoint() } = {}) {
    try {
      checkRepository(repo, 'repository');
    } catch (error) {
      return say(`${error.message.replace(/^repository: /, '')}.`, true);
    }
    if (!engine.started) return say('The WebAssembly core is still loading: try again in a moment.', true);
    say(`Asking ${endpointLabel(at)} about ${repo}…`);
    let info;
    try {
      info = revision === 'main' ? await infoAt(repo, at) : await engine.hubInfo({ repo, endpoint: at, revision });
    } catch (error) {
      if (!dialog.open) dialog.showModal();
      return say(error.message, true);
    }
    say('');
    if (info.kept || (info.bytes !== null && info.bytes <= CONFIRM_ABOVE_BYTES)) return open(info, { repo, revision });
    confirmed = { info, asked: { repo, revision } };
    $('hub-confirm-text').textContent = `${info.repo} (commit ${shortCommit(info.sha ?? info.revision)}) is `
      + `${info.bytes === null ? 'of a size the hub does not say' : `up to ${byteSize(info.bytes)}`} to download from ${endpointLabel(info.endpoint)}; `
      + 'it is kept on this device afterwards. Download it?';
    confirm.hidden = false;
    if (!dialog.open) showDialog();
    $('hub-confirm-yes').focus();
  }
  $('hub-confirm-yes').addEventListener('click', () => open(confirmed.info, confirmed.asked));
  $('hub-confirm-no').addEventListener('click', () => { confirm.hidden = true; $('hub-repo').focus(); });
  $('hub-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const [repo, revision] = $('hub-repo').value.trim().split('@');
    choose(repo, revision ? { revision } : {});
  });

  // The suggested models, each with its download size once the hub has said it.
  function showSuggestions() {
    $('hub-suggested').replaceChildren(...SUGGESTED_MODELS.map(({ repo, about }) => {
      const size = element('span', { className: 'hub-size', textContent: '…' });
      const name = element('span', { className: 'hub-name', textContent: repo });
      infoAt(repo, endpoint()).then((info) => { name.textContent = info.repo; size.textContent = sizeText(info); },
        () => { size.textContent = 'size unavailable'; });
      const button = element('button', { type: 'button', className: 'hub-model' }, name, element('span', { className: 'hub-about', textContent: about }), size);
      button.addEventListener('click', () => choose(repo));
      return element('li', {}, button);
    }));
  }

  // The models kept on this device, complete or not, with Open (or Resume) and Delete.
  async function showDevice() {
    const models = await keptModels();
    const list = $('hub-device');
    list.replaceChildren(...models.map((model) => {
      const where = model.endpoint === DEFAULT_ENDPOINT ? '' : ` · from ${model.endpoint}`;
      const what = model.complete ? `commit ${shortCommit(model.sha)} · ${byteSize(model.bytes)}${where}`
        : `an incomplete download: ${byteSize(model.bytes)} so far${where}`;
      const openButton = element('button', { type: 'button', textContent: model.complete ? 'Open' : 'Resume' });
      openButton.setAttribute('aria-label', `${model.complete ? 'Open' : 'Resume'} ${model.repo}`);
      openButton.addEventListener('click', () => choose(model.repo, { revision: model.sha, at: model.endpoint }));
      const deleteButton = element('button', { type: 'button', textContent: 'Delete' });
      deleteButton.setAttribute('aria-label', `Delete ${model.repo} from this device`);
      deleteButton.addEventListener('click', async () => {
        await deleteKept(model);
        say(`Deleted ${model.repo} (${byteSize(model.bytes)}) from this device.`);
        showDevice();
      });
      return element('li', { className: model.complete ? 'hub-kept' : 'hub-kept incomplete' },
        element('span', { className: 'hub-name', textContent: model.repo }), element('span', { className: 'hub-about', textContent: what }),
        element('span', { className: 'hub-actions' }, openButton, deleteButton));
    }));
    if (models.length === 0) list.replaceChildren(element('li', { className: 'note', textContent: 'None yet: a model you open is kept here for next time and for offline use.' }));
    const estimate = await navigator.storage?.estimate?.().catch(() => null);
    $('hub-storage').textContent = estimate ? `The playground uses ${byteSize(estimate.usage)} of this device's storage (the browser allows ${byteSize(estimate.quota)}).` : '';
  }

  function showDialog() {
    const asking = mirrorChoice === null;
    $('hub-mirror').hidden = !asking;
    $('hub-choose').hidden = asking;
    $('hub-mirror-url').textContent = mirror ?? '';
    $('hub-endpoint').textContent = endpointLabel(asking ? mirror : endpoint());
    if (!dialog.open) dialog.showModal();
    if (!asking) showSuggestions();
    showDevice();
    (asking ? $('hub-mirror-use') : $('hub-repo')).focus();
  }
  $('hub-open').addEventListener('click', () => { say(''); confirm.hidden = true; showDialog(); });
  $('hub-mirror-use').addEventListener('click', () => { mirrorChoice = 'mirror'; showDialog(); });
  $('hub-mirror-ignore').addEventListener('click', () => { mirrorChoice = 'hub'; showDialog(); });

  // A link's model that is not open: opened from this device if it is kept here, else offered.
  function offer({ repo, revision }, model) {
    const at = mirror !== null && mirrorChoice !== 'hub' ? mirror : DEFAULT_ENDPOINT;
    findKept({ endpoint: at, repo, revision: revision ?? 'main' }).then((manifest) => {
      if (store.state.model !== model) return;
      if (manifest) return open({ repo: manifest.repo, sha: manifest.sha, revision: manifest.sha, endpoint: at, kept: true }, { repo, revision: revision ?? 'main' });
      const from = at === DEFAULT_ENDPOINT ? 'the Hugging Face Hub' : `the mirror ${at}, which this page's address names`;
      $('hub-offer-text').textContent = `This link shows ${repo}${revision ? ` at commit ${shortCommit(revision)}` : ''} from ${from}; it is not on this device yet.`;
      $('hub-offer').hidden = false;
      $('hub-offer-open').onclick = () => {
        if (at !== DEFAULT_ENDPOINT) mirrorChoice = 'mirror';  // opening it is the reader's yes to the mirror
        choose(repo, { revision: revision ?? 'main', at });
      };
    });
  }
  $('hub-offer-builtin').addEventListener('click', () => {
    $('hub-offer').hidden = true;
    store.commit({ ...store.state, model: 'builtin', layer: 0, head: 0 }, true);
  });

  return {
    // The model chooser holds an entry for the state's model when it is from a hub (a link's, or the open one).
    sync(state) {
      const wanted = parseHubModel(state.model);
      if (!wanted) setHidden($('hub-offer'), true);  // written only when it changes: every keystroke comes here
      const select = $('model');
      for (const option of select.querySelectorAll('option.hub-model-option')) if (option.value !== state.model && option.value !== loaded) option.remove();
      for (const name of [loaded, wanted && state.model]) {
        if (!name || select.querySelector(`option[value="${CSS.escape(name)}"]`)) continue;
        select.append(element('option', { value: name, className: 'hub-model-option', textContent: `Hub: ${parseHubModel(name).repo}` }));
      }
    },
    // Why the state's model from a hub cannot be shown yet; opens it from this device or offers it (once).
    missing(state) {
      const wanted = parseHubModel(state.model);
      if (!available) return `${wanted.repo} is a model from the Hugging Face Hub: it opens in the served playground, not in this one-file copy.`;
      if (handled !== state.model && engine.started) {
        handled = state.model;
        offer(wanted, state.model);
      }
      return `${wanted.repo} from the Hugging Face Hub is not open in this tab yet (see above).`;
    },
  };
}

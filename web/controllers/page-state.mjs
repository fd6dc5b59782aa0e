// The playground's one state object (its fields: web/lib/state.mjs), kept in location.hash so that every view
// is a permalink, Back and Forward work, and a reload shows the same. Every controller reads store.state and
// changes it through commit; onChange redraws the page after every change, Back and Forward included.
// Reading and writing the hash is asynchronous (a long text's hash is compressed): store.loaded resolves once
// the page's own hash has been read, and the URL follows each commit as soon as its hash is written, in order —
// a commit that replaces the entry (typing, choosing a token) once no other has come for TYPING_WRITE_MS: each
// write is a same-document navigation, for which the browser did tens of milliseconds of work (Chromium fetched
// the favicon again every time) on the cores that compute the keystroke's attention. It is written at once when
// a new entry follows, when the window loses focus (a click on the browser's Back button) and when the page is
// hidden; what Back by keyboard, or a reload, within those 250 ms of the last keystroke leave behind is lost.
import { stillMasked } from '../lib/masking.mjs';
import { linkNote, readHash, writeHash } from '../lib/state.mjs';
import { fitted } from '../lib/view-rules.mjs';
import { shownTokens } from '../lib/selection.mjs';

const TYPING_WRITE_MS = 250;

export function pageState(onChange) {
  let writing = Promise.resolve(), reading = 0;
  let waiting = null;  // { state, timer }: a replacing commit not yet in the URL
  let era = 0;  // Back and Forward so far: a write queued before one belongs to the entry left
  // The state into the hash, then the URL: a new entry when `push`; into this entry otherwise, unless a newer
  // state has come (it replaces this entry anyway) and `kept` is false.
  const write = (next, push, kept = false) => {
    const queued = era;
    writing = writing.then(async () => {
      const hash = await writeHash(next);
      if (era !== queued || (!push && !kept && store.state !== next)) return;
      const url = `${location.pathname}${location.search}${hash}`;
      if (url !== `${location.pathname}${location.search}${location.hash}`) history[push ? 'pushState' : 'replaceState'](null, '', url);
    }).catch((error) => console.warn(`the link could not be updated: ${error.message}`));
  };
  // The waiting commit into this entry now (before a new entry, or as the page goes away).
  const flush = () => {
    if (!waiting) return;
    clearTimeout(waiting.timer);
    const { state } = waiting;
    waiting = null;
    write(state, false, true);  // (a push after it writes after it)
  };
  const read = async () => {
    const mine = ++reading;
    const { state, note } = await readHash(location.hash);
    if (mine !== reading) return;  // a newer Back or Forward is being read
    store.state = state;
    store.readNote = note;
    onChange();
  };
  const store = {
    state: null,
    // What the page should say about the link it opened with (a text cut, a damaged link), or null.
    readNote: null,
    // What a link of the current state cannot keep, or what the opening link could not; null when nothing.
    get linkNote() { return linkNote(store.state) ?? store.readNote; },
    loaded: null,
    // A new state: onto the page, then into the hash (a new history entry when `push`, so Back undoes it).
    commit(next, push) {
      const before = waiting?.state;
      if (waiting) clearTimeout(waiting.timer), waiting = null;
      store.state = next;
      store.readNote = null;
      if (push) {
        if (before) write(before, false, true);  // this entry keeps what was typed in it (Back shows it)
        write(next, true);
      } else {
        waiting = { state: next, timer: setTimeout(flush, TYPING_WRITE_MS) };
      }
      onChange();
    },
    // The layer, head, token and the heads switched off brought within what a result holds (a hand-edited link
    // or a shorter text may name more; a hidden special token is not a token to choose), and the Mask button's
    // words forgotten where the text no longer holds the model's mask token. Not a change of its own: the hash
    // keeps what the link said until the next one.
    fit({ config, main }) {
      Object.assign(store.state, fitted(store.state, { ...config, n: main.n, compared: Boolean(store.state.compare.trim()) },
        shownTokens(main.n, main.special, store.state.hideBos)));
      if (config.maskToken) store.state.masked = stillMasked(store.state.masked, store.state.text, config.maskToken);
    },
  };
  store.loaded = read();
  window.addEventListener('popstate', () => {
    era += 1;
    if (waiting) clearTimeout(waiting.timer), waiting = null;  // it belonged to the entry left
    read();
  });
  window.addEventListener('blur', flush);
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
  return store;
}

// The playground's one state object (its fields: web/lib/state.mjs), kept in location.hash so that every view
// is a permalink, Back and Forward work, and a reload shows the same. Every controller reads store.state and
// changes it through commit; onChange redraws the page after every change, Back and Forward included.
import { parseHash, toHash } from '../lib/state.mjs';
import { fitted } from '../lib/view-rules.mjs';

export function pageState(onChange) {
  const store = {
    state: parseHash(location.hash),
    // A new state: into the hash (a new history entry when `push`, so Back undoes it), then onto the page.
    commit(next, push) {
      store.state = next;
      const url = `${location.pathname}${location.search}${toHash(next)}`;
      if (url !== `${location.pathname}${location.search}${location.hash}`) history[push ? 'pushState' : 'replaceState'](null, '', url);
      onChange();
    },
    // The layer, head and token brought within what a result holds (a hand-edited link or a shorter text may
    // name more). Not a change of its own: the hash keeps what the link said until the next one.
    fit({ config, main }) {
      Object.assign(store.state, fitted(store.state, { ...config, n: main.n }, store.state.hideBos ? 1 : 0));
    },
  };
  window.addEventListener('popstate', () => { store.state = parseHash(location.hash); onChange(); });
  return store;
}

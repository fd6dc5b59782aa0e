// The Examples menu (web/lib/examples.mjs). Choosing one opens its text and model with every what-if control
// as trained; once its result is there, apply() moves to the head where its named query shows what the
// example names, and note() says so while the page stays on that example's head, as trained.
import { EXAMPLES, exampleState, exampleView } from '../lib/examples.mjs';

export function bindExamples(store) {
  const menu = document.getElementById('examples');
  let pending = null, shown = null;  // the example waiting for its result; the one whose note shows
  for (const [i, example] of EXAMPLES.entries()) menu.append(new Option(example.label, String(i)));
  menu.addEventListener('change', () => {
    const example = EXAMPLES[Number(menu.value)];
    menu.value = '';
    if (!example) return;
    pending = example;
    shown = null;
    store.commit(exampleState(example), true);
  });
  const matches = (example, state) => example && state.text === example.text && state.model === example.model;
  return {
    // With the waiting example's result: commits its head and token (true), or does nothing (false).
    apply(result) {
      const example = pending, { state } = store;
      pending = null;
      if (!matches(example, state)) return false;
      const view = exampleView(example, result, state.text);
      if (!view) return false;
      shown = view.note ? { example, note: view.note, layer: view.layer, head: view.head } : null;
      store.commit({ ...state, token: view.token, ...(view.note && { layer: view.layer, head: view.head }) }, false);
      return true;
    },
    // The example's note while the page shows its head, else null.
    note(state) {
      const asTrained = state.mask === 'trained' && state.scaled && state.temperature === 1 && state.ablate === '';
      return shown && asTrained && matches(shown.example, state) && state.layer === shown.layer && state.head === shown.head ? shown.note : null;
    },
  };
}

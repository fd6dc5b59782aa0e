// The head switches (zero ablation) under "Every head": a switch on each head in the grid (web/ui/head-grid.mjs)
// toggles it in the state's `ablate`; "Only layer l, head h on" switches every other head of the model off,
// "Every head on" resets; beside them, how many heads are off and what that changed at the chosen token (its top
// prediction's probability before → after, the KL divergence: web/lib/prediction-text.mjs). Each change is a new
// history entry, so Back undoes it.
import { allBut, headsOffText, parseHeads, toggleHead } from '../lib/ablation.mjs';
import { describeShift } from '../lib/prediction-text.mjs';

const $ = (id) => document.getElementById(id);

export function bindAblation(store) {
  const only = $('ablate-only'), reset = $('ablate-reset'), status = $('ablation-status'), effect = $('ablation-effect');
  let config = null;  // the shown result's model: how many layers and heads "only this one" switches off
  only.addEventListener('click', () => {
    const { layer, head } = store.state;
    if (config && typeof head === 'number') store.commit({ ...store.state, ablate: allBut(config, layer, head) }, true);
  });
  reset.addEventListener('click', () => store.commit({ ...store.state, ablate: '' }, true));
  return {
    toggle: (layer, head) => store.commit({ ...store.state, ablate: toggleHead(store.state.ablate, layer, head) }, true),
    // result: the one shown, for `state`; labels: its tokens as the views show them.
    show(result, state, labels) {
      config = result.config;
      const numbered = typeof state.head === 'number', off = parseHeads(result.ablated).length;
      only.disabled = !numbered;
      only.textContent = numbered ? `Only layer ${state.layer}, head ${state.head} on` : 'Only one head on: choose a head number';
      reset.disabled = off === 0;
      status.textContent = off === 0 ? `Every head is on (${config.layers * config.heads} heads).`
        : `${headsOffText(result.ablated, config)[0].toUpperCase()}${headsOffText(result.ablated, config).slice(1)} (zero ablation).`;
      const shift = describeShift(result, state.token);
      effect.hidden = !shift;
      effect.textContent = shift ? `At “${labels[state.token]}”: ${shift.top} ${shift.klText}` : '';
    },
    clear() {
      effect.hidden = true;
      status.textContent = '';
    },
  };
}

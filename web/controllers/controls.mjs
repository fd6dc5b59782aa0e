// The playground's inputs: the sentence, model, layer, head, mask, √d_k, temperature, hide the special tokens,
// and the second sentence (the examples menu is controllers/examples.mjs). The words the Mask button replaced
// move with the text typed around them (web/lib/masking.mjs's followEdit). Each input commits a new state:
// typing replaces the current history entry, any other change adds one. show() puts the state back into them
// (they may be out of step after Back or a permalink); showResult() fills the layer and head choosers for the
// result's model and names its special tokens beside "hide".
import { followEdit } from '../lib/masking.mjs';
import { FIELDS, parseField } from '../lib/state.mjs';
import { hiddenNames } from '../lib/selection.mjs';
import { aggregateChoices } from '../lib/view-rules.mjs';
import { fillOptions } from '../ui/options.mjs';

const $ = (id) => document.getElementById(id);

// onKeystroke(time): a keystroke in the sentence, for the page's timing of it.
export function bindControls(store, { onKeystroke }) {
  const inputs = {
    text: $('sentence'), model: $('model'), layer: $('layer'), head: $('head'), mask: $('mask'),
    scaled: $('scaled'), temperature: $('temperature'), hideBos: $('hide-bos'), compare: $('compare'),
  };
  const fromInputs = () => ({
    ...store.state,
    text: inputs.text.value, masked: followEdit(store.state.masked, store.state.text, inputs.text.value),
    compare: inputs.compare.value, model: inputs.model.value, mask: inputs.mask.value,
    layer: Number(inputs.layer.value), head: parseField(FIELDS.head, inputs.head.value),
    scaled: inputs.scaled.checked, temperature: Number(inputs.temperature.value), hideBos: inputs.hideBos.checked,
  });
  inputs.text.addEventListener('input', (event) => { onKeystroke(event.timeStamp); store.commit(fromInputs(), false); });
  for (const name of ['compare', 'temperature']) inputs[name].addEventListener('input', () => store.commit(fromInputs(), false));
  for (const name of ['model', 'layer', 'head', 'mask', 'scaled', 'hideBos']) {
    inputs[name].addEventListener('change', () => store.commit(fromInputs(), true));
  }

  return {
    show(state) {
      for (const name of ['text', 'compare', 'model', 'mask']) if (inputs[name].value !== state[name]) inputs[name].value = state[name];
      inputs.scaled.checked = state.scaled;
      inputs.hideBos.checked = state.hideBos;
      inputs.temperature.value = String(state.temperature);
      $('temperature-value').textContent = state.temperature.toFixed(1);
    },
    showResult({ config, main }, state) {
      fillOptions(inputs.layer, config.layers, state.layer);
      fillOptions(inputs.head, config.heads, state.head, aggregateChoices(false));
      $('hide-bos-label').textContent = `hide ${hiddenNames(main, true)}`;
    },
  };
}

// The playground's inputs: the sentence and its examples, model, layer, head, mask, √d_k, temperature, hide the
// first token, and the second sentence. Each input commits a new state: typing replaces the current history
// entry, any other change adds one. show() puts the state back into them (they may be out of step after Back
// or a permalink); showResult() fills the layer and head choosers for the result's model.
import { FIELDS, parseField } from '../lib/state.mjs';
import { aggregateChoices, firstTokenName } from '../lib/view-rules.mjs';
import { fillOptions } from '../ui/options.mjs';

const EXAMPLES = [
  { label: 'The cat sat on the mat', text: 'The cat sat on the mat because it was tired' },
  { label: 'bank: river or money? (compare)', text: 'The bank by the river was peaceful', compare: 'I deposited cash at the bank' },
  { label: 'What does “it” refer to?', text: 'The animal didn\'t cross the street because it was too tired' },
  { label: 'A longer passage', text: 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.' },
  { label: 'Japanese (CJK)', text: '猫がマットの上に座った' },
  { label: 'Arabic (right to left)', text: 'جلست القطة على السجادة' },
  { label: 'Emoji', text: 'I ❤️ my 🐈 and she ❤️ her 🐟' },
];

const $ = (id) => document.getElementById(id);

// onKeystroke(time): a keystroke in the sentence, for the page's timing of it.
export function bindControls(store, { onKeystroke }) {
  const inputs = {
    text: $('sentence'), model: $('model'), layer: $('layer'), head: $('head'), mask: $('mask'),
    scaled: $('scaled'), temperature: $('temperature'), hideBos: $('hide-bos'), compare: $('compare'),
  };
  const fromInputs = () => ({
    ...store.state,
    text: inputs.text.value, compare: inputs.compare.value, model: inputs.model.value, mask: inputs.mask.value,
    layer: Number(inputs.layer.value), head: parseField(FIELDS.head, inputs.head.value),
    scaled: inputs.scaled.checked, temperature: Number(inputs.temperature.value), hideBos: inputs.hideBos.checked,
  });
  inputs.text.addEventListener('input', (event) => { onKeystroke(event.timeStamp); store.commit(fromInputs(), false); });
  for (const name of ['compare', 'temperature']) inputs[name].addEventListener('input', () => store.commit(fromInputs(), false));
  for (const name of ['model', 'layer', 'head', 'mask', 'scaled', 'hideBos']) {
    inputs[name].addEventListener('change', () => store.commit(fromInputs(), true));
  }

  const examples = $('examples');
  for (const [i, example] of EXAMPLES.entries()) examples.append(new Option(example.label, String(i)));
  examples.addEventListener('change', () => {
    const example = EXAMPLES[Number(examples.value)];
    examples.value = '';
    if (example) store.commit({ ...store.state, text: example.text, compare: example.compare ?? '', token: 1 }, true);
  });

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
      $('hide-bos-label').textContent = `hide ${firstTokenName(main.tokens, main.special)}`;
    },
  };
}

// The playground's examples (web/lib/examples.mjs) on the built-in models as they are now: every example that
// names a pattern must find a layer and head where its query puts at least PROMISED of its weight on its keys.
// Nothing here is a frozen number: retrained models are checked the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse } from '../../web/lib/analysis.mjs';
import { EXAMPLES, PROMISED, exampleState, exampleView } from '../../web/lib/examples.mjs';
import { computeRequest } from '../../web/lib/view-rules.mjs';
import { builds } from './helpers.mjs';

const attn = builds.simd;
const models = new Map();
const modelFor = async (name) => {
  if (!models.has(name)) models.set(name, await attn.loadModel(name));
  return models.get(name);
};

for (const example of EXAMPLES) {
  test(`example “${example.label}” opens where it shows what it says`, async () => {
    const state = exampleState(example);
    const result = analyse(attn, await modelFor(state.model), computeRequest(state));
    const view = exampleView(example, result);
    assert.ok(view, 'its query is in the text');
    assert.ok(view.token > 0 && view.token < result.main.n);
    if (!example.keys) return;
    assert.ok(view.keys.length > 0, 'its keys are in the text');
    assert.ok(view.weight >= PROMISED, `${view.note} (at least ${PROMISED} promised)`);
    // The weight it reports is the core's, on the head it names.
    const { n } = result.main, heads = result.config.heads;
    const row = ((view.layer * heads + view.head) * n + view.token) * n;
    assert.ok(Math.abs(view.keys.reduce((s, j) => s + result.main.attentions[row + j], 0) - view.weight) < 1e-6);
    assert.match(view.note, new RegExp(`^Layer ${view.layer}, head ${view.head} of ${result.config.name}: “[^”]+” puts ${view.weight.toFixed(2)} of its weight on “`));
  });
}

test('an example whose query a cut text lost opens without a head', async () => {
  const [example] = EXAMPLES;
  const state = { ...exampleState(example), text: 'The cat' };
  assert.equal(exampleView(example, analyse(attn, await modelFor('builtin'), computeRequest(state)), state.text), null);
});

// "Rank the heads": the head importance of the page's sentence (web/lib/importance.mjs, in the engine), with a
// progress bar and Cancel. One ranking at a time; a change of the sentence, the model or a what-if control cancels
// a ranking under way (its answer would be for a text no longer shown) and marks a finished one as older than the
// page. Meanwhile the page keeps computing the newest text as always: the engine answers between the ranking's
// runs.
import { formatHeads } from '../lib/ablation.mjs';
import { blankTextNote } from '../lib/view-rules.mjs';
import { renderImportance } from '../ui/importance.mjs';

const $ = (id) => document.getElementById(id);

export function bindImportance(store, engine) {
  const start = $('importance-run'), bar = $('importance-progress'), cancel = $('importance-cancel');
  const status = $('importance-status'), out = $('importance');
  let job = null;    // { controller, key, why: the reason it was cancelled }
  let shown = null;  // { key, result }
  const say = (text, isError = false) => {
    status.textContent = text;
    status.classList.toggle('error', isError);
  };
  const draw = (stale) => renderImportance(out, {
    result: shown.result, stale,
    onPrune: (pairs) => store.commit({ ...store.state, ablate: formatHeads(pairs) }, true),
  });
  // Whether the page can rank its state's heads now, or why not.
  const blocker = (state) => {
    if (!engine.started || !engine.has(state.model)) return 'the model is not loaded';
    if (blankTextNote(state.text)) return 'the sentence is empty';
    const shownResult = engine.lastResult;
    if (shownResult && engine.isShowing(state) && !shownResult.config.canPredict) return `${shownResult.config.name} cannot predict, so it has no loss to rank heads by`;
    return null;
  };

  start.addEventListener('click', async () => {
    const { state } = store;
    const why = blocker(state);
    if (why) return say(`Cannot rank the heads: ${why}.`, true);
    job?.controller.abort();
    const controller = new AbortController(), mine = { controller, key: engine.importanceKey(state), why: '' };
    job = mine;
    bar.removeAttribute('value');
    bar.hidden = cancel.hidden = false;
    start.disabled = true;
    say('Switching each head off in turn…');
    try {
      const result = await engine.importance(state, {
        signal: controller.signal,
        onProgress: ({ done, total, layer, head }) => {
          bar.max = total;
          bar.value = done;
          say(`Run ${done} of ${total}: ${layer === null ? 'every head on' : `layer ${layer}, head ${head} off`}.`);
        },
      });
      if (job !== mine) return;
      shown = { key: mine.key, result };
      draw(engine.importanceKey(store.state) !== mine.key);
      say(`Ranked the ${result.layers * result.heads} heads.`);
    } catch (error) {
      if (job !== mine) return;
      if (error.name === 'AbortError') say(`Cancelled${mine.why}: the heads were not ranked.`);
      else say(`Could not rank the heads: ${error.message}`, true);
    } finally {
      if (job === mine) {
        job = null;
        bar.hidden = cancel.hidden = true;
        start.disabled = false;
      }
    }
  });
  cancel.addEventListener('click', () => job?.controller.abort());

  return {
    // Every change of the page's state: a ranking of another sentence is cancelled, a finished one marked.
    sync(state) {
      const key = engine.started ? engine.importanceKey(state) : null;
      if (job && job.key !== key) {
        job.why = ' because the sentence, the model or a what-if control changed';
        job.controller.abort();
      }
      if (shown) draw(shown.key !== key);
    },
  };
}

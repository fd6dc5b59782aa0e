// Loading a model into the engine — the user's files, or a model from the Hub — one at a time, with a progress
// bar, a Cancel button and a status line under the model chooser. A new load cancels the one under way, so a
// second choice made while the first loads is the one that shows (the first can no longer finish later and
// replace it).
import { byteSize } from '../lib/hub-http.mjs';

const $ = (id) => document.getElementById(id);

export function modelLoads() {
  const bar = $('checkpoint-progress'), cancel = $('load-cancel'), note = $('checkpoint-status');
  let current = null;
  cancel.addEventListener('click', () => current?.abort());

  const say = (text, isError = false) => {
    note.textContent = text;
    note.classList.toggle('error', isError);
  };
  const settle = (controller) => {
    if (current !== controller) return false;  // a later load took over
    current = null;
    bar.hidden = cancel.hidden = true;
    return true;
  };

  return {
    say,
    // Runs load({ signal, onProgress }) -> what it loaded; `what`: 'model.safetensors', 'openai-community/gpt2'.
    // Resolves to its result, or to null when it was cancelled (by Cancel or by a newer load) or failed (said).
    async run(what, load) {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      bar.removeAttribute('value');
      bar.hidden = cancel.hidden = false;
      cancel.textContent = 'Cancel';
      const onProgress = ({ loaded, total }) => {
        if (current !== controller) return;
        bar.max = total;
        bar.value = loaded;
        say(`Reading ${what}: ${byteSize(loaded)} of ${byteSize(total)}`);
      };
      try {
        const result = await load({ signal: controller.signal, onProgress });
        return settle(controller) ? result : null;
      } catch (error) {
        if (!settle(controller)) return null;
        if (error.name === 'AbortError') say(`Cancelled: ${what} was not loaded.`);
        else say(`Could not load ${what}: ${error.message.replace(`${what}: `, '')}`, true);  // said once
        return null;
      }
    },
  };
}

// The Share / embed dialog: the permalink, the iframe and element snippets (web/lib/share.mjs) for the current
// state and the embed view chosen in the dialog, each with a Copy button, and what a link cannot keep.
import { shareSnippets } from '../lib/share.mjs';

const $ = (id) => document.getElementById(id);

export function bindShare(store) {
  const dialog = $('share'), copied = $('share-copied'), view = $('share-view');
  let readerChose = false;  // the embed's view was chosen in the dialog, not left at its default
  async function fill() {
    const compareOption = view.querySelector('option[value="compare"]');
    compareOption.disabled = store.state.compare.trim() === '';
    if (compareOption.disabled && view.value === 'compare') view.value = 'beams';
    const snippets = await shareSnippets({ ...store.state, view: view.value }, new URL('./', location.href).href);
    $('share-permalink').value = snippets.permalink;
    $('share-iframe').value = snippets.iframe;
    $('share-element').value = snippets.element;
    $('share-oembed').href = snippets.oembed;
    $('share-note').textContent = store.linkNote ?? '';
    $('share-note').hidden = !store.linkNote;
    copied.textContent = '';
  }
  $('share-open').addEventListener('click', async () => {
    if (!readerChose && store.state.compare.trim() !== '') view.value = 'compare';  // what a comparison is there for
    await fill();
    dialog.showModal();
  });
  $('share-open').hidden = location.protocol === 'file:';  // the snippets would point into this computer's files
  view.addEventListener('change', () => { readerChose = true; fill(); });
  for (const button of dialog.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      const field = $(button.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        copied.textContent = 'Copied.';
      } catch {
        copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';  // no clipboard permission
      }
    });
  }
}

// The Share / embed dialog: the permalink, the iframe and element snippets (web/lib/share.mjs) for the current
// state and the embed view chosen in the dialog, each with a Copy button.
import { shareSnippets } from '../lib/share.mjs';

const $ = (id) => document.getElementById(id);

export function bindShare(store) {
  const dialog = $('share'), copied = $('share-copied');
  function fill() {
    const snippets = shareSnippets({ ...store.state, view: $('share-view').value }, new URL('./', location.href).href);
    $('share-permalink').value = snippets.permalink;
    $('share-iframe').value = snippets.iframe;
    $('share-element').value = snippets.element;
    $('share-oembed').href = snippets.oembed;
    copied.textContent = '';
  }
  $('share-open').addEventListener('click', () => { fill(); dialog.showModal(); });
  $('share-open').hidden = location.protocol === 'file:';  // the snippets would point into this computer's files
  $('share-view').addEventListener('change', fill);
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

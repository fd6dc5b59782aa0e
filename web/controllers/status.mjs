// The page's status line: what was computed, or what went wrong (shown as an error), and "Computing…" while
// the views show a result older than the text. The line is for the eyes; a screen reader hears the role=status
// region beside it, which is told a result only once the page has settled (no newer result for SETTLE_MS), and
// an error at once: a reader typing a sentence is not interrupted on every keystroke.
const line = document.getElementById('status'), live = document.getElementById('status-live');
const computingBadge = document.getElementById('computing');
const SETTLE_MS = 900;
let timer = null;

// text: what the line shows; spoken: what the live region says of it (default: the same).
export function say(text, isError = false, spoken = text) {
  line.textContent = text;
  line.classList.toggle('error', isError);
  clearTimeout(timer);
  const tell = () => { if (live.textContent !== spoken) live.textContent = spoken; };
  if (isError) tell();
  else timer = setTimeout(tell, SETTLE_MS);
}

// Whether the views show a result older than the text (or a what-if control) while the newer one is computed;
// predictions: whether the Predictions view does, while its part of the result (computed after the rest) is.
// "Computing…" shows while either is.
// The views busy for more than STALE_MS fade (style.css's [data-stale]): a fade that starts with aria-busy, even
// one delayed by a transition, made every section a layer of its own and repainted the page twice per keystroke.
const STALE_MS = 250;
const stale = new Map();  // element -> timer that marks it stale
function busy(element, on) {
  element.setAttribute('aria-busy', String(on));
  if (!on) {
    clearTimeout(stale.get(element));
    stale.delete(element);
    delete element.dataset.stale;
  } else if (!stale.has(element)) {
    stale.set(element, setTimeout(() => { element.dataset.stale = 'true'; }, STALE_MS));
  }
}

export function computing(on, predictions = on) {
  computingBadge.hidden = !on && !predictions;
  busy(document.getElementById('views'), on);
  busy(document.getElementById('predictions'), predictions);
}

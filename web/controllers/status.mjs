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
export function computing(on, predictions = on) {
  computingBadge.hidden = !on && !predictions;
  document.getElementById('views').setAttribute('aria-busy', String(on));
  document.getElementById('predictions').setAttribute('aria-busy', String(predictions));
}

// Fills a <select> with options 0..count-1 (labelled by `names` when given), then any [value, label] extras;
// `selected` is a number or an extra's value. The layer and head choosers of the page and of <attention-view>.
// Options that are already there stay (only the selection moves): new ones relaid the page out, 12 ms of each
// keystroke's frame on the playground.
export function fillOptions(select, count, selected, extras = [], names = null) {
  const numbered = Array.from({ length: count }, (_, i) => [i, names?.[i] ?? String(i)]);
  const wanted = [...numbered, ...extras].map(([value, label]) => [String(value), label]);
  const same = select.options.length === wanted.length && wanted.every(([value, label], i) => select.options[i].value === value && select.options[i].text === label);
  if (!same) {
    select.replaceChildren(...wanted.map(([value, label]) => new Option(label, value)));
  }
  const found = wanted.findIndex(([value]) => value === String(selected));
  const index = found >= 0 || wanted.length === 0 ? found : 0;  // (as a new list without a selected option shows)
  if (select.selectedIndex !== index) select.selectedIndex = index;
}

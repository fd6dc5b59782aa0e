// Fills a <select> with options 0..count-1 (labelled by `names` when given), then any [value, label] extras;
// `selected` is a number or an extra's value. The layer and head choosers of the page and of <attention-view>.
export function fillOptions(select, count, selected, extras = [], names = null) {
  const numbered = Array.from({ length: count }, (_, i) => [i, names?.[i] ?? String(i)]);
  select.replaceChildren(...[...numbered, ...extras].map(([value, label]) => new Option(label, String(value), false, value === selected)));
}

// The Mask button of a masked language model: the chosen token's text replaced by the model's mask token
// ('[MASK]', '<mask>'), remembering what was there, so that the masked position is scored against that word and
// Unmask can put it back. The playground's state keeps the remembered words in its `masked` field, one entry per
// mask, 'offset:text' with the offset (UTF-16) where the mask token starts in the text and the replaced text
// percent-encoded, separated by spaces, in order: '3:%20cat 20:dog'. DOM-free.

export const MAX_MASKED_TEXT = 1000;  // characters of one remembered word (a token is far shorter)

// '3:%20cat' -> [{ offset: 3, text: ' cat' }]; '' -> []; undefined when the text is not such a list.
export function parseMasked(text) {
  const entries = [];
  for (const word of String(text).split(' ').filter(Boolean)) {
    const match = /^(\d{1,6}):(.+)$/.exec(word);
    if (!match) return undefined;
    let replaced;
    try {
      replaced = decodeURIComponent(match[2]);
    } catch {
      return undefined;
    }
    if (replaced.length > MAX_MASKED_TEXT) return undefined;
    entries.push({ offset: Number(match[1]), text: replaced });
  }
  entries.sort((a, b) => a.offset - b.offset);
  return entries.filter((entry, i) => i === 0 || entry.offset !== entries[i - 1].offset);
}

export const formatMasked = (entries) => [...entries].sort((a, b) => a.offset - b.offset)
  .map(({ offset, text }) => `${offset}:${encodeURIComponent(text)}`).join(' ');

// Entries at or after `from` moved by `by` characters.
const shifted = (entries, from, by) => entries.map((e) => (e.offset >= from ? { ...e, offset: e.offset + by } : e));

// The text with [start, end) replaced by `maskToken`, and the `masked` field remembering what was there.
export function maskSpan(text, masked, [start, end], maskToken) {
  const entries = shifted(parseMasked(masked) ?? [], end, maskToken.length - (end - start));
  return {
    text: text.slice(0, start) + maskToken + text.slice(end),
    masked: formatMasked([...entries, { offset: start, text: text.slice(start, end) }]),
  };
}

// The remembered word at `offset` (where a mask token starts), or null.
export const rememberedAt = (masked, offset) => (parseMasked(masked) ?? []).find((e) => e.offset === offset) ?? null;

// The mask token at `offset` replaced by the word remembered there, the entry forgotten. Without one, null.
export function unmaskAt(text, masked, offset, maskToken) {
  const entry = rememberedAt(masked, offset);
  if (!entry || !text.startsWith(maskToken, offset)) return null;
  const others = (parseMasked(masked) ?? []).filter((e) => e !== entry && e.offset !== offset);
  return {
    text: text.slice(0, offset) + entry.text + text.slice(offset + maskToken.length),
    masked: formatMasked(shifted(others, offset + maskToken.length, entry.text.length - maskToken.length)),
  };
}

// The entries after the text changed from `before` to `after` (typing: one stretch replaced): those before the
// change stay, those after it move with the text, those inside it are forgotten.
export function followEdit(masked, before, after) {
  const entries = parseMasked(masked) ?? [];
  if (entries.length === 0 || before === after) return masked;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < before.length - start && tail < after.length - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const changedEnd = before.length - tail, by = after.length - before.length;
  return formatMasked(entries.filter((e) => e.offset < start || e.offset >= changedEnd)
    .map((e) => (e.offset >= changedEnd ? { ...e, offset: e.offset + by } : e)));
}

// The entries whose offset still holds the mask token (a hand edit may have changed it).
export const stillMasked = (masked, text, maskToken) =>
  formatMasked((parseMasked(masked) ?? []).filter((e) => text.startsWith(maskToken, e.offset)));

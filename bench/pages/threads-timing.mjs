// bench/threads.mjs's timing, the same in node and in the page's worker: engines { single, many } (a model each),
// at each length the text of that many tokens, one run of each engine per round in turn, medians.
export const LENGTHS = [64, 256];
const PASSAGE = 'The cat sat on the mat because it was tired, and the dog ran after it across the garden to the old wall where the children played in the long summer evenings while their parents talked about the harvest.';

// The longest repetition of the passage's words that the model reads as at most `tokens` tokens.
function textOf(model, tokens) {
  const words = Array.from({ length: tokens }, (_, i) => PASSAGE.split(' ')[i % 36]);
  for (let count = words.length; count > 0; count--) {
    const text = words.slice(0, count).join(' ');
    if (model.run(text, { truncate: true }).ids.length <= tokens) return text;
  }
  return words[0];
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

// Typing at the end of a text of `length` tokens: a letter added and taken away in turn, each run reusing the
// rows before it (the core's prefix cache), as the playground's worker runs it (projections on).
function typingAtTheEnd(engines, rounds, length) {
  const text = textOf(engines.single, length), times = {};
  for (const [name, model] of Object.entries(engines)) {
    times[name] = [];
    model.run(text, { projections: true });
  }
  for (let round = 0; round < 2 * rounds; round++) {
    for (const [name, model] of Object.entries(engines)) {
      const start = performance.now();
      const run = model.run(round % 2 ? text : `${text}x`, { projections: true });
      times[name].push(performance.now() - start);
      if (run.reused === 0) throw new Error(`${name}: the prefix was not reused`);
    }
  }
  const row = { tokens: `${engines.single.run(text).ids.length}, typing at the end` };
  for (const name of Object.keys(engines)) row[name] = median(times[name]);
  return row;
}

export function timeSideBySide(engines, rounds) {
  return [...LENGTHS.map((length) => {
    const text = textOf(engines.single, length), times = {};
    for (const [name, model] of Object.entries(engines)) {
      times[name] = [];
      model.run(text, { reuse: false });  // warm-up
    }
    for (let round = 0; round < rounds; round++) {
      for (const [name, model] of Object.entries(engines)) {
        const start = performance.now();
        model.run(text, { reuse: false });
        times[name].push(performance.now() - start);
      }
    }
    const row = { tokens: engines.single.run(text).ids.length };
    for (const name of Object.keys(engines)) row[name] = median(times[name]);
    return row;
  }), typingAtTheEnd(engines, rounds, LENGTHS[0])];
}

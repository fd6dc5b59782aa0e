// The steps of attention for the chosen token, as tables of the real numbers (web/lib/steps.mjs): its query
// q; each key k_j and value v_j; the score q·k_j, divided by √d_k; the softmax weight, and (with the special
// tokens hidden) the weight as the other views show it; a total row; the weighted sum of the values; then
// step 5, where that sum goes: through the head's rows of W_O into the attention output and the residual
// stream. Vectors show their first components, or all of them with "Show all components". Every key's row is
// in a box that scrolls (with the keyboard too: it is focusable) under a header and a total that stay in view.
// Numbers and tokens are inserted as text.

const SHOWN = 4;  // components of a vector shown before "…", unless all are asked for

const number = (x) => (x < 0 ? '−' : '') + Math.abs(x).toFixed(2);
const vector = (values, all) => {
  const count = all ? values.length : Math.min(SHOWN, values.length);
  return `[${Array.from(values.subarray(0, count), number).join(', ')}${count < values.length ? ', …' : ''}]`;
};

function cell(row, text, className) {
  const element = row.insertCell();
  element.textContent = text;
  if (className) element.className = className;
  return element;
}
const headerCell = (row, text, scope = 'col') => {
  const th = document.createElement('th');
  th.scope = scope;
  th.textContent = text;
  row.append(th);
  return th;
};
const button = (text, onClick) => {
  const element = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  element.addEventListener('click', onClick);
  return element;
};
const paragraph = (className, text) => Object.assign(document.createElement('p'), { className, textContent: text });

// A box around a wide or long table that scrolls, and takes the keyboard's focus to scroll with it.
function scrollBox(label, child) {
  const box = Object.assign(document.createElement('div'), { className: 'scroll-box', tabIndex: 0 });
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', label);
  box.append(child);
  return box;
}

// steps: attentionSteps()'s result; labels: token texts; token: the query; hidden: the names of the hidden
// special tokens ('' when none are); residual: residualStep()'s result, or null while it is being computed;
// onExport(kind): 'csv' | 'json' asked for; off: the head is switched off (zero ablation).
export function renderSteps(container, options) {
  const { steps, labels, token, scaled, temperature, hidden, residual, onExport, off = false } = options;
  const { dk, divisor, query, rows, output, total, strongest, largestError, softcap, window } = steps;
  const all = container.dataset.components === 'all';
  const scale = scaled ? (steps.ownScale ? `${(divisor / temperature).toFixed(2)} (the model's own scale)` : `√${dk}`) : '';
  const divide = [scale, temperature !== 1 ? `${temperature}` : ''].filter(Boolean).join(' × ') || '1';

  // What this model does differently from the textbook's attention, said where the numbers show it.
  const notes = [
    steps.rotary && 'q and k are shown as the model uses them: rotated by RoPE according to their positions, so q·k also says how far apart the tokens are.',
    steps.sharing.length && `This head reads key/value head ${steps.kvHead}, which heads ${steps.sharing.join(', ')} share (grouped-query attention): the k and v below are theirs too.`,
    window && `In this layer each token sees only the last ${window} tokens (a sliding window).`,
  ].filter(Boolean).join(' ');
  const intro = paragraph('steps-query', `1. Project. The query of “${labels[token]}” is q = ${vector(query, all)} (${dk} numbers; the keys and values below likewise).${notes ? ` ${notes}` : ''}`);
  const toggle = button(all ? `Show the first ${SHOWN} components` : `Show all ${dk} components`, () => {
    container.dataset.components = all ? '' : 'all';
    renderSteps(container, options);
    container.querySelector('.steps-tools button')?.focus();
  });
  toggle.setAttribute('aria-pressed', String(all));
  const tools = document.createElement('div');
  tools.className = 'steps-tools';
  tools.append(toggle, Object.assign(document.createElement('span'), { textContent: 'Export the steps:' }),
    button('CSV', () => onExport('csv')), button('JSON', () => onExport('json')));

  const table = document.createElement('table');
  table.className = 'steps-table steps-keys';
  const head = table.createTHead().insertRow();
  // The numbers first, the vectors after: on a phone the columns that matter most are the ones in view.
  for (const text of ['key token', 'q·k', softcap > 0 ? 'scaled, capped' : `÷ ${divisor.toFixed(2)}`, 'softmax', ...(hidden ? [`shown (without ${hidden})`] : []), 'k', 'v']) headerCell(head, text);
  const body = table.createTBody();
  rows.forEach((r, j) => {
    const row = body.insertRow();
    if (j === strongest) row.classList.add('steps-strongest');
    if (r.shown === null) row.classList.add('steps-hidden');
    headerCell(row, labels[j], 'row');
    if (!r.visible) {
      cell(row, r.masked === 'window' ? 'outside the window' : 'masked: a later token').colSpan = 3;
    } else {
      cell(row, number(r.score));
      cell(row, number(r.scaled));
      cell(row, r.weight.toFixed(3), 'steps-weight').style.setProperty('--weight', r.weight);
    }
    if (hidden) cell(row, r.shown === null ? 'hidden' : r.shown.toFixed(3), r.shown === null ? 'steps-shown' : 'steps-shown steps-weight').style.setProperty('--weight', r.shown ?? 0);
    cell(row, vector(r.key, all), 'steps-vector');
    cell(row, vector(r.value, all), 'steps-vector');
  });
  const foot = table.createTFoot().insertRow();
  headerCell(foot, 'total', 'row');
  foot.insertCell().colSpan = 2;
  cell(foot, total.weight.toFixed(3), 'steps-total');
  if (hidden) cell(foot, total.shown.toFixed(3), 'steps-total');
  foot.insertCell();
  cell(foot, `Σ softmax × v = ${vector(output, all)}`, 'steps-vector');

  const result = paragraph('steps-output', `Output for “${labels[token]}” = Σ softmax × v = ${vector(output, all)}. `
    + `These float64 steps match the weights the WebAssembly core computed to within ${largestError.toExponential(1)}.`);
  // What the table does, above it rather than as its caption: a caption is as wide as the table, which scrolls.
  const cap = softcap > 0 ? `, then cap: ${softcap} · tanh(s / ${softcap})${temperature !== 1 ? ` ÷ ${temperature}` : ''}` : '';
  const third = softcap > 0 ? `Multiply by ${(1 / (divisor / temperature)).toFixed(3)}${cap}` : `Divide by ${divide} = ${divisor.toFixed(2)}`;
  const caption = paragraph('steps-caption', `2. Score each key: q·k. 3. ${third}. 4. Softmax, then add up the values in proportion.`);
  const switchedOff = off ? [paragraph('steps-off', 'This head is switched off (zero ablation): its weights below are computed as '
    + 'always, but its output is set to zero before W_O, so it adds nothing to the residual stream (step 5).')] : [];
  container.replaceChildren(...switchedOff, intro, tools, caption, scrollBox(caption.textContent, table), result, residualView(residual, labels[token], all, off));
}

// Step 5: the head's output through W_O into the residual stream, from the core's trace of the head.
function residualView(residual, token, all, off) {
  const section = document.createElement('div');
  section.className = 'steps-residual';
  const title = '5. Into the residual stream. The head\'s output goes through its rows of W_O (its share of the attention output); '
    + 'the shares of every head, plus W_O\'s bias, are the attention output, added to the token\'s residual stream.';
  if (!residual) {
    section.append(paragraph('steps-query', title), paragraph('note', 'Computing this head\'s path through W_O…'));
    return section;
  }
  // A list rather than a table: each vector's name and length, then its components, fit a phone's width.
  const list = document.createElement('dl');
  list.className = 'steps-path';
  const d = residual.contribution.length;
  for (const [name, label] of [
    ['headOutput', `The head's output o = Σ softmax × v, from the core (${residual.headOutput.length} numbers)`],
    ['contribution', `This head's share: o · W_O, its ${residual.headOutput.length} rows (${d} numbers)`],
    ['attentionOutput', 'The attention output: every head\'s share + b_O'],
    ['residualBefore', `The residual stream of “${token}” entering the layer`],
    ['residualAfter', 'After the attention block: before + attention output (then normed, in post-LayerNorm models such as BERT)'],
  ]) {
    const term = Object.assign(document.createElement('dt'), { textContent: `${label}, length ${residual.lengths[name].toFixed(2)}` });
    const value = Object.assign(document.createElement('dd'), { className: 'steps-vector', textContent: vector(residual[name], all) });
    list.append(term, value);
  }
  const change = `the attention block changes the residual stream of “${token}” by ${(100 * residual.change).toFixed(0)} % of its length.`;
  const summary = paragraph('steps-output', off
    ? `This head is switched off: the core set its output to zero before W_O, so its share is zero (step 4's sum is what it would have passed on); ${change}`
    : `This head's share is ${(100 * residual.share).toFixed(0)} % of the attention output's length `
    + `(cosine ${residual.alignment.toFixed(2)} with it); ${change} The core's head output matches step 4's sum to within ${residual.outputError.toExponential(1)}.`);
  section.append(paragraph('steps-query', title), list, summary);
  return section;
}

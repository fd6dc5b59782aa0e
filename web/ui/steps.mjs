// The four steps of attention for the chosen token, as a table of the real numbers (web/lib/steps.mjs):
// its query q, each key k_j and value v_j (shortened), the score q·k_j, the score divided by √d_k, the softmax
// weight, and finally the weighted sum of the values. Numbers only; text is inserted as text.

const SHOWN = 4;  // components of a vector shown before "…"

const number = (x) => (x < 0 ? '−' : '') + Math.abs(x).toFixed(2);
const vector = (values) => `[${Array.from(values.subarray(0, SHOWN), number).join(', ')}${values.length > SHOWN ? ', …' : ''}]`;

function cell(row, text, className) {
  const element = row.insertCell();
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

// steps: attentionSteps()'s result; labels: token texts; token: the query.
export function renderSteps(container, { steps, labels, token, scaled, temperature }) {
  const { dk, divisor, query, rows, output, strongest, largestError } = steps;
  const divide = [scaled ? `√${dk}` : '', temperature !== 1 ? `${temperature}` : ''].filter(Boolean).join(' × ') || '1';

  const intro = document.createElement('p');
  intro.className = 'steps-query';
  intro.append(`1. Project. The query of “${labels[token]}” is q = ${vector(query)} (${dk} numbers; the keys and values below likewise).`);

  const table = document.createElement('table');
  table.className = 'steps-table';
  const caption = table.createCaption();
  caption.textContent = `2. Score each key: q·k. 3. Divide by ${divide} = ${divisor.toFixed(2)}. 4. Softmax, then add up the values in proportion.`;
  const head = table.createTHead().insertRow();
  for (const text of ['key token', 'k', 'q·k', `÷ ${divisor.toFixed(2)}`, 'softmax', 'v']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  rows.forEach((r, j) => {
    const row = body.insertRow();
    if (j === strongest) row.className = 'steps-strongest';
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = labels[j];
    row.append(th);
    cell(row, vector(r.key), 'steps-vector');
    if (!r.visible) {
      cell(row, 'masked: a later token').colSpan = 3;
    } else {
      cell(row, number(r.score));
      cell(row, number(r.scaled));
      const weight = cell(row, r.weight.toFixed(3), 'steps-weight');
      weight.style.setProperty('--weight', r.weight);
    }
    cell(row, vector(r.value), 'steps-vector');
  });

  const result = document.createElement('p');
  result.className = 'steps-output';
  result.textContent = `Output for “${labels[token]}” = Σ softmax × v = ${vector(output)}. ` +
    `These float64 steps match the weights the WebAssembly core computed to within ${largestError.toExponential(1)}.`;
  container.replaceChildren(intro, table, result);
}

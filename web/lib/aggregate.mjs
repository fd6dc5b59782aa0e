// Attention across heads and layers. DOM-free. attentions: (layers, heads, n, n) row-major.

// The heads of one layer averaged: (n, m); m = n for self-attention, more or fewer keys for cross-attention.
export function averageHeads(attentions, heads, n, layer, m = n) {
  const out = new Float32Array(n * m);
  for (let h = 0; h < heads; h++) {
    const start = (layer * heads + h) * n * m;
    for (let i = 0; i < n * m; i++) out[i] += attentions[start + i] / heads;
  }
  return out;
}

// Attention rollout (Abnar & Zuidema, 2020) through layers 0..layer: each layer's head average, with the
// residual connection counted as half the weight (0.5·A + 0.5·I), multiplied layer after layer, so row i says
// how much of token i's representation after that layer traces back to each input token. Rows sum to 1.
export function rollout(attentions, heads, n, layer) {
  let result = null;
  for (let l = 0; l <= layer; l++) {
    const mixed = averageHeads(attentions, heads, n, l);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) mixed[i * n + j] = 0.5 * mixed[i * n + j] + (i === j ? 0.5 : 0);
    }
    if (result === null) {
      result = mixed;
      continue;
    }
    const next = new Float32Array(n * n);  // mixed · result: layer l reads what the layers below produced
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const w = mixed[i * n + k];
        if (w === 0) continue;
        for (let j = 0; j < n; j++) next[i * n + j] += w * result[k * n + j];
      }
    }
    result = next;
  }
  return result;
}

// The rows `rowIndex` and columns `columnIndex` of an (n, m) matrix, each row rescaled to sum to 1 again
// (a row that put all its weight on the left-out columns stays zero): the weight the kept tokens share among
// themselves, as the views show it with the special tokens hidden.
export function keptTokens(weights, m, rowIndex, columnIndex) {
  const k = columnIndex.length, out = new Float32Array(rowIndex.length * k);
  rowIndex.forEach((i, r) => {
    let total = 0;
    for (const j of columnIndex) total += weights[i * m + j];
    if (total > 0) columnIndex.forEach((j, c) => { out[r * k + c] = weights[i * m + j] / total; });
  });
  return out;
}

// A stand-in for a trained model until the built-in transformer lands: words become deterministic
// pseudo-random vectors (the same word always gets the same vector) plus a small position signal.
// Used as Q = K = V, self-attention then links each word to itself and to repeats of it. No DOM.

// Splits text into word and punctuation tokens, keeping each token's character offsets.
export function tokenizeWords(text) {
  const tokens = [];
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu)) {
    tokens.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

// FNV-1a over the UTF-16 code units: a stable seed per word.
function hash(word) {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// (tokens.length, dim) row-major Float32Array of rows of length 4.
export function embed(tokens, dim = 16) {
  const x = new Float32Array(tokens.length * dim);
  tokens.forEach((token, i) => {
    let state = hash(token.text.toLowerCase()) || 1;
    let norm = 0;
    for (let c = 0; c < dim; c++) {
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;  // xorshift32
      const value = ((state >>> 0) / 2 ** 32 - 0.5) + 0.35 * Math.cos(i / (c + 1));  // word + position
      x[i * dim + c] = value;
      norm += value * value;
    }
    // Length 4: a word’s score with itself is 16/√dim = 4 (e^4 ≈ 55), clearly above unrelated pairs.
    for (let c = 0; c < dim; c++) x[i * dim + c] *= 4 / Math.sqrt(norm);
  });
  return x;
}

// AttentionView.render with weights from "another model": two layers of one head over three tokens.
window.addEventListener('DOMContentLoaded', () => {
  globalThis.AttentionView.render(document.getElementById('custom'), {
    title: 'My model',
    tokens: ['[CLS]', 'hello', '<b>world</b>'],
    weights: [
      [[[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]]],
      [[[0.1, 0.8, 0.1], [0, 0, 1], [0.6, 0.2, 0.2]]],
    ],
    labels: { layers: ['first', 'second'], heads: ['only head'] },
  }, { view: 'matrix', layer: 1 });
});

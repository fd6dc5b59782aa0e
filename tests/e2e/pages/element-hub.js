// As a blog would write <attention-view model="hf:gpt2" hub="…">, with the hub this page's address names (?hub=,
// the test's stand-in Hub) and the model its ?model= (default hf:gpt2).
window.addEventListener('DOMContentLoaded', () => {
  const query = new URLSearchParams(location.search);
  const view = document.createElement('attention-view');
  view.id = 'gpt2';
  for (const [name, value] of [['model', query.get('model') ?? 'hf:gpt2'], ['hub', query.get('hub')], ['sentence', 'The cat sat on the mat'], ['view', 'matrix']]) {
    if (value !== null) view.setAttribute(name, value);
  }
  document.getElementById('post').append(view);
});

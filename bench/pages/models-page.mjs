// bench/models.mjs's page: loads the checkpoint named in the query from /models/<name>/ with the build under
// /<dist>/, times its load and a forward of the text, and reports in #result and window.benchResult (not window.result: that names the #result element).
const params = new URLSearchParams(location.search);
const { default: createAttention } = await import(`/${params.get('dist')}/attention.mjs`);
const report = (value) => {
  window.benchResult = value;
  document.getElementById('result').textContent = JSON.stringify(value);
};
try {
  const files = {};
  for (const name of params.get('files').split(',')) files[name] = await (await fetch(`/models/${params.get('model')}/${name}`)).blob();
  const attn = await createAttention({ simd: true });
  const before = attn.heapStats().allocatedBytes, started = performance.now();
  const model = await attn.loadCheckpoint(files);
  const seconds = (performance.now() - started) / 1000, mib = (attn.heapStats().allocatedBytes - before) / 2 ** 20;
  const text = params.get('text');
  model.run(text, { reuse: false });  // warm-up
  const runs = [];
  for (let i = 0; i < Number(params.get('rounds')); i++) {
    const start = performance.now();
    model.run(text, { reuse: false });
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  report({ seconds, mib, ms: runs[runs.length >> 1], tokens: model.run(text).ids.length });
} catch (error) {
  report({ error: `${error.name}: ${error.message}`.slice(0, 120) });
}

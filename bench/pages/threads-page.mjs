// bench/threads.mjs's page: runs the timing in a module worker (as the playground computes) and reports in
// #result and window.benchResult.
const worker = new Worker(`threads-worker.mjs${location.search}`, { type: 'module' });
worker.onmessage = ({ data }) => {
  window.benchResult = data;
  document.getElementById('result').textContent = JSON.stringify(data);
};
worker.onerror = (event) => { window.benchResult = { error: `worker: ${event.message}` }; };

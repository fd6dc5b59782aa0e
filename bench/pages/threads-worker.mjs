// The worker of bench/pages/threads.html: both engines on the checkpoint under /models/, timed side by side.
import createAttention from '/dist/attention.mjs';
import { timeSideBySide } from './threads-timing.mjs';

const params = new URLSearchParams(location.search);
try {
  if (!crossOriginIsolated) throw new Error('the page is not cross-origin isolated');
  const files = {};
  for (const name of params.get('files').split(',')) files[name] = await (await fetch(`/models/${name}`)).blob();
  const engines = {};
  for (const [name, options] of [['single', {}], ['many', { threads: Number(params.get('threads')) }]]) {
    engines[name] = await (await createAttention(options)).loadCheckpoint(files);
  }
  postMessage({ rows: timeSideBySide(engines, Number(params.get('rounds'))) });
} catch (error) {
  postMessage({ error: `${error.name}: ${error.message}` });
}

// This thread's time on a CPU and runnable but waiting for one, from the kernel's per-thread counters
// (/proc/thread-self/schedstat, Linux only): "slow mode" on a shared machine is this thread waiting on the run
// queue while other processes hold the cores (README, "Slow mode": what it was).
import { existsSync, readFileSync } from 'node:fs';

const SCHEDSTAT = '/proc/thread-self/schedstat';

/** { running, waiting, at } in ms (the first two since the thread started), or null off Linux. */
export const scheduled = () => {
  if (!existsSync(SCHEDSTAT)) return null;
  const [running, waiting] = readFileSync(SCHEDSTAT, 'utf8').split(' ').map(Number);
  return { running: running / 1e6, waiting: waiting / 1e6, at: performance.now() };
};

/** The share of the wall time between two readings that this thread was not waiting for a core: running, or
 *  idle by its own choice (onnxruntime-web's calls are asynchronous). Only the run queue's wait is taken out. */
export const cpuShare = (from, to) => (from && to ? 1 - (to.waiting - from.waiting) / (to.at - from.at) : null);

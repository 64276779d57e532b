// Ends a worker thread that holds native sockets (the net_extras addon's UDP sockets poll on the
// worker's own libuv loop). Closing such a socket closes its poll handle asynchronously; a
// worker.terminate() right after stops the loop before that finishes, and Node then aborts the
// whole process ("uv_loop_close() while having open handles": SIGABRT and a core dump, a second
// or more after a speaker's SIGTERM). So the worker is told to close everything and let its loop
// drain, and is terminated only if it has not exited by itself within `graceMs`.
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';

export async function endWorker(worker: Worker, shutdown: unknown, graceMs = 1000): Promise<void> {
  const exited = once(worker, 'exit').then(() => true);
  worker.postMessage(shutdown);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const byItself = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (!byItself) await worker.terminate();
}

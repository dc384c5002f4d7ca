import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the TypeScript module at `module` (a file URL), with `data` as its
 * workerData (the module's URL is added under `module`).
 */
export function spawnWorker(options: {
  module: URL;
  data: Record<string, unknown>;
  transfer?: ArrayBuffer[];
}): Worker {
  return new Worker(new URL('./worker-entry.mjs', import.meta.url), {
    workerData: { ...options.data, module: options.module.href },
    transferList: options.transfer,
  });
}

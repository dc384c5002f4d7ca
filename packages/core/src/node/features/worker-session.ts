import { HeadstartError, type ErrorCode } from '../../errors.ts';
import type { BackboneOutput, BackboneSession } from '../../features/backbone-session.ts';
import { spawnWorker } from '../spawn-worker.ts';
import type { OrtSessionOptions } from './ort-session.ts';

type Reply =
  | { id: number; ready: true; executionProvider: string }
  | { id: number; data: Float32Array; dims: number[] }
  | { id: number; error: { code: string; message: string } };

/**
 * Opens the backbone in a worker thread running onnxruntime-node, and returns a session whose `run`
 * posts batches to it (input buffers are transferred, not copied). Rejects with the worker's own error —
 * `DEVICE_UNAVAILABLE` for a GPU that cannot be used — once the session has failed to start.
 */
export async function createWorkerSession(options: OrtSessionOptions): Promise<BackboneSession> {
  const model = typeof options.model === 'string' ? options.model : options.model.slice();
  const worker = spawnWorker({
    module: new URL('./ort-worker.ts', import.meta.url),
    data: { ...options, model },
  });
  const pending = new Map<number, { resolve: (o: BackboneOutput) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const toError = (e: { code: string; message: string }) =>
    new HeadstartError(e.code as ErrorCode, e.message);

  const ready = new Promise<string>((resolve, reject) => {
    worker.on('message', (reply: Reply) => {
      if (reply.id === 0) {
        if ('error' in reply) reject(toError(reply.error));
        else if ('ready' in reply) resolve(reply.executionProvider);
        return;
      }
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if ('error' in reply) waiter.reject(toError(reply.error));
      else if ('data' in reply) waiter.resolve({ data: reply.data, dims: reply.dims });
    });
    worker.on('error', (error) => {
      failure = new HeadstartError('INTERNAL', `The backbone worker failed: ${error.message}`, {
        cause: error,
      });
      reject(failure);
      for (const waiter of pending.values()) waiter.reject(failure);
      pending.clear();
    });
  });
  let executionProvider: string;
  try {
    executionProvider = await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.unref();

  return {
    executionProvider,
    run(input, dims) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<BackboneOutput>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        const owned =
          input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? input : input.slice();
        worker.postMessage({ id, input: owned, dims: [...dims] }, [owned.buffer as ArrayBuffer]);
      }).finally(() => {
        if (pending.size === 0) worker.unref();
      });
    },
    async dispose() {
      worker.postMessage({ close: true });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 2000);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/**
 * Worker-thread entry: owns one onnxruntime-node session so its blocking `run()` never holds up the main
 * thread's event loop. Messages: `{ id, input, dims }` in, `{ id, data, dims }` or `{ id, error }` out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isHeadstartError } from '../../errors.ts';
import { createOrtSession, type OrtSessionOptions } from './ort-session.ts';

interface RunMessage {
  id: number;
  input: Float32Array;
  dims: number[];
}

const port = parentPort;
if (!port) throw new Error('ort-worker.ts must run in a worker thread');

const sessionPromise = createOrtSession(workerData as OrtSessionOptions);
sessionPromise.then(
  (session) => port.postMessage({ id: 0, ready: true, executionProvider: session.executionProvider }),
  (error: unknown) => port.postMessage({ id: 0, error: serialise(error) }),
);

function serialise(error: unknown): { code: string; message: string } {
  if (isHeadstartError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

port.on('message', async (message: RunMessage | { close: true }) => {
  if ('close' in message) {
    const session = await sessionPromise.catch(() => undefined);
    await session?.dispose();
    port.close();
    return;
  }
  try {
    const session = await sessionPromise;
    const out = await session.run(message.input, message.dims);
    // Copy into an owned buffer: ORT's output may be a view on memory it reuses.
    const data = new Float32Array(out.data);
    port.postMessage({ id: message.id, data, dims: out.dims }, [data.buffer]);
  } catch (error) {
    port.postMessage({ id: message.id, error: serialise(error) });
  }
});

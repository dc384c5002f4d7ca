import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { OpenSyncOrtSession, SyncOrtSession } from '../../tfjs/ort-gemm.ts';

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: object, fetches: object, options: object): unknown;
  dispose(): void;
}

interface NativeBinding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

/** onnxruntime-node, resolved from this package. */
const require = createRequire(import.meta.url);

export interface SyncOrtSessionOptions {
  /** Intra-op threads (MLAS splits each product across them). Default: every core. */
  threads?: number;
  /** Let idle pool threads spin for the next product (lower latency, but they hold their core). Default false. */
  spinning?: boolean;
}

/**
 * Opens sessions on onnxruntime-node's native binding, whose `run` is synchronous: the package's public
 * `InferenceSession.run` only wraps it in a promise resolved on the next turn of the event loop, which
 * a tf.js kernel cannot wait for.
 */
export function createSyncOrtSessionOpener(options: SyncOrtSessionOptions = {}): OpenSyncOrtSession {
  const root = dirname(require.resolve('onnxruntime-node/package.json'));
  const ort = require('onnxruntime-node') as { env: { logLevel?: string } };
  ort.env.logLevel = 'fatal';
  const native = require(join(root, 'dist', 'binding.js')) as NativeBinding;
  native.initOrt();
  const sessionOptions = {
    executionProviders: [{ name: 'cpu' }],
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 4,
    extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
  };
  return (model: Uint8Array): SyncOrtSession => {
    const session = new native.binding.InferenceSession();
    session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, sessionOptions);
    return {
      run: (feeds, fetches) => session.run(feeds, fetches, {}),
      dispose: () => session.dispose(),
    };
  };
}

import { loadOrtNode, type OrtInferenceSession, type OrtNode } from './core-require.ts';
import { vgg16 } from './vgg-model.ts';

/**
 * onnxruntime-node used directly, in this process: the VGG16 conv base with `threads` intra-op threads,
 * fp32, on the CPU provider — the throughput end-to-end extraction is measured against.
 */
export interface RawSession {
  /** Runs one batch of random NCHW input; returns images/s for it. */
  runBatch(size: number, batch: number): Promise<number>;
  release(): Promise<void>;
}

export async function openRawSession(options: { threads: number }): Promise<RawSession> {
  const ort: OrtNode = loadOrtNode();
  const session: OrtInferenceSession = await ort.InferenceSession.create(vgg16().bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const inputs = new Map<string, Float32Array>();
  return {
    async runBatch(size, batch) {
      const key = `${size}x${batch}`;
      let input = inputs.get(key);
      if (!input) {
        input = new Float32Array(batch * 3 * size * size);
        for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) % 255) - 120;
        inputs.set(key, input);
      }
      const feeds = {
        [session.inputNames[0] as string]: new ort.Tensor('float32', input, [batch, 3, size, size]),
      };
      const t0 = performance.now();
      const out = await session.run(feeds);
      const ms = performance.now() - t0;
      for (const value of Object.values(out)) value.dispose();
      return (batch * 1000) / ms;
    },
    release: () => session.release(),
  };
}

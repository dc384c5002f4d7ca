import { describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../../backbone/build-vgg-onnx.ts';
import { createOrtSession } from './ort-session.ts';
import { createWorkerSession } from './worker-session.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 5 } });
const input = Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.sin(i) * 50);

describe('onnxruntime-node sessions', () => {
  it('give the same output in a worker thread as in-process', async () => {
    const local = await createOrtSession({ model: micro.bytes, threads: 1 });
    const worker = await createWorkerSession({ model: micro.bytes, threads: 1 });
    try {
      const a = await local.run(input.slice(), [2, 3, 32, 32]);
      const b = await worker.run(input.slice(), [2, 3, 32, 32]);
      expect(b.dims).toEqual([2, 32, 1, 1]);
      expect([...b.data]).toEqual([...a.data]);
      expect(worker.executionProvider).toBe('cpu');
    } finally {
      await local.dispose();
      await worker.dispose();
    }
  });

  it('keeps the event loop free while the worker computes', async () => {
    const worker = await createWorkerSession({ model: micro.bytes, threads: 1 });
    try {
      const big = new Float32Array(16 * 3 * 96 * 96).fill(1);
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 1);
      await worker.run(big, [16, 3, 96, 96]);
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      await worker.dispose();
    }
  });

  it('reports a bad input as an error, and keeps serving', async () => {
    const worker = await createWorkerSession({ model: micro.bytes, threads: 1 });
    try {
      await expect(worker.run(new Float32Array(2 * 32 * 32), [1, 2, 32, 32])).rejects.toThrow();
      const ok = await worker.run(input.slice(0, 3 * 32 * 32), [1, 3, 32, 32]);
      expect(ok.dims).toEqual([1, 32, 1, 1]);
    } finally {
      await worker.dispose();
    }
  });

  it('fails clearly for a CUDA device without its provider, never running on the CPU instead', async () => {
    await expect(createWorkerSession({ model: micro.bytes, device: 'cuda' })).rejects.toMatchObject({
      code: 'DEVICE_UNAVAILABLE',
      message: expect.stringMatching(
        /--device cuda: .*CUDA execution provider is not installed; run `pnpm setup:cuda`/,
      ),
    });
  });

  it('either runs on WebGPU or says why not', async () => {
    try {
      const session = await createWorkerSession({ model: micro.bytes, device: 'webgpu' });
      expect(session.executionProvider).toBe('webgpu');
      await session.dispose();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'DEVICE_UNAVAILABLE',
        message: expect.stringMatching(/^--device webgpu could not start: /),
      });
    }
  });
});

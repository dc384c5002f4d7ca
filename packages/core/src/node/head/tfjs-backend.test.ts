import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isFastWasmMatMulRegistered } from '../../tfjs/fast-wasm-matmul.ts';
import { initTfjs } from './tfjs-backend.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('initTfjs', () => {
  it('falls through to wasm with the fast matmul when tfjs-node is absent', async () => {
    const result = await initTfjs();
    expect(result.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(result.note).toMatch(
      /^wasm \((SIMD|no SIMD), (1 thread|multi-threaded); large matmuls on ONNX Runtime, \d+ threads\); install @tensorflow\/tfjs-node/,
    );
    expect(isFastWasmMatMulRegistered()).toBe(true);
  });

  it('uses the cpu backend without printing the tfjs-node banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    const result = await initTfjs({ backend: 'cpu' });
    expect(result).toEqual({
      backend: 'cpu',
      note: 'cpu (pure JavaScript, slow); install @tensorflow/tfjs-node for native speed',
    });
    const y = tf.add(tf.tensor1d([1, 2]), 1);
    expect(Array.from(y.dataSync())).toEqual([2, 3]);
    y.dispose();
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it('fails clearly when tfjs-node is asked for but missing, or the name is unknown', async () => {
    await expect(initTfjs({ backend: 'tfjs-node' })).rejects.toMatchObject({
      code: 'DEVICE_UNAVAILABLE',
      message: 'The tfjs-node backend is unavailable: tfjs-node is not installed.',
    });
    await expect(initTfjs({ backend: 'webgl' as never })).rejects.toThrow(
      'Unknown tfjs backend "webgl"; use auto, wasm, cpu or tfjs-node.',
    );
  });
});

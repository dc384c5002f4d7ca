import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { createRandom } from '../random.ts';
import { conv3x3 } from './trainable-conv.ts';

const random = createRandom(5);
const values = (n: number) => Float32Array.from({ length: n }, () => random.normal());
const x = values(2 * 5 * 6 * 3);
const kernel = values(3 * 3 * 3 * 4);
const upstream = values(2 * 5 * 6 * 4);

/** d/dx and d/dkernel of sum(conv(x, kernel) · upstream), with the given conv. */
function gradients(conv: (x: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor4D): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const dy = tf.tensor4d(upstream, [2, 5, 6, 4]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dy));
    const [dx, dk] = tf.grads(f)([tf.tensor4d(x, [2, 5, 6, 3]), tf.tensor4d(kernel, [3, 3, 3, 4])]);
    return [dx!.dataSync() as Float32Array, dk!.dataSync() as Float32Array];
  });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
}

beforeAll(async () => {
  expect((await initTfjs({ backend: 'wasm' })).backend).toBe('wasm');
});

describe('conv3x3', () => {
  it.each(['auto', 'conv', 'im2col'] as const)(
    'has the gradients of the stock conv2d (computed on the cpu backend, which has them), strategy %s',
    async (strategy) => {
      await tf.setBackend('cpu');
      const [dxStock, dkStock] = gradients((a, k) => tf.conv2d(a, k, 1, 'same'));
      await tf.setBackend('wasm');
      expect(() => gradients((a, k) => tf.conv2d(a, k, 1, 'same'))).toThrow(/Conv2DBackpropFilter/);
      const before = tf.memory().numTensors;
      const [dx, dk] = gradients((a, k) => conv3x3({ x: a, kernel: k, strategy }));
      expect(tf.memory().numTensors).toBe(before);
      expect(maxDiff(dx, dxStock)).toBeLessThan(1e-4);
      expect(maxDiff(dk, dkStock)).toBeLessThan(1e-4);
      expect(Math.max(...dk.map(Math.abs))).toBeGreaterThan(1);
    },
  );

  it('gives the stock forward values and zeros for the input when its gradient is not wanted', () => {
    const [ours, stock] = tf.tidy(() => {
      const a = tf.tensor4d(x, [2, 5, 6, 3]);
      const k = tf.tensor4d(kernel, [3, 3, 3, 4]);
      return [
        conv3x3({ x: a, kernel: k }).dataSync(),
        tf.conv2d(a, k, 1, 'same').dataSync(),
      ] as Float32Array[];
    });
    expect(maxDiff(ours!, stock!)).toBe(0);
    const [dx] = gradients((a, k) => conv3x3({ x: a, kernel: k, inputGradient: false }));
    expect(dx.every((v) => v === 0)).toBe(true);
  });

  it("gives the conv's values by im2col, and takes im2col by itself from 128 input channels", () => {
    const before = tf.memory().numTensors;
    const wide = tf.tidy(() => {
      const a = tf.tensor4d(values(2 * 3 * 4 * 128), [2, 3, 4, 128]);
      const k = tf.tensor4d(values(3 * 3 * 128 * 5), [3, 3, 128, 5]);
      return {
        auto: conv3x3({ x: a, kernel: k }).dataSync() as Float32Array,
        im2col: conv3x3({ x: a, kernel: k, strategy: 'im2col' }).dataSync() as Float32Array,
        conv: tf.conv2d(a, k, 1, 'same').dataSync() as Float32Array,
      };
    });
    expect(wide.auto).toEqual(wide.im2col);
    const largest = Math.max(...wide.conv.map(Math.abs));
    expect(maxDiff(wide.im2col, wide.conv) / largest).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});

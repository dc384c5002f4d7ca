import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../random.ts';
import { createAdamOptimizer, isFusedAdamActive, setFusedAdamEnabled } from './fused-adam.ts';

const random = createRandom(21);
const values = (n: number) => Float32Array.from({ length: n }, () => random.normal());
// 1,003 × 7 = 7,021 weights: not a multiple of four, so the scalar tail runs too.
const W0 = values(1003 * 7);
const X = values(16 * 1003);
const Y = values(16 * 7);

/** 15 Adam steps of a linear least-squares fit; every weight, moment and loss along the way. */
function fit(fused: boolean): { weights: number[]; moments: number[]; losses: number[] } {
  setFusedAdamEnabled(fused);
  const [w, b] = tf.tidy(() => [tf.variable(tf.tensor2d(W0, [1003, 7])), tf.variable(tf.zeros([7]))]);
  const x = tf.tensor2d(X, [16, 1003]);
  const y = tf.tensor2d(Y, [16, 7]);
  const optimizer = createAdamOptimizer({ learningRate: 0.01 });
  const losses: number[] = [];
  for (let i = 0; i < 15; i++) {
    const loss = optimizer.minimize(
      () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar,
      true,
    );
    losses.push(loss?.dataSync()[0] as number);
    loss?.dispose();
  }
  const internals = optimizer as unknown as {
    accumulatedFirstMoment: { variable: tf.Variable }[];
    accumulatedSecondMoment: { variable: tf.Variable }[];
  };
  const moments = [...internals.accumulatedFirstMoment, ...internals.accumulatedSecondMoment].flatMap((m) =>
    Array.from(m.variable.dataSync()),
  );
  const weights = [...Array.from(w.dataSync()), ...Array.from(b.dataSync())];
  optimizer.dispose();
  for (const t of [w, b, x, y]) t.dispose();
  return { weights, moments, losses };
}

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterAll(() => setFusedAdamEnabled(true));

describe('FusedAdamOptimizer', () => {
  it('gives bit-identical weights, moments and losses to tf.js Adam on WASM', () => {
    const stock = fit(false);
    const fused = fit(true);
    expect(isFusedAdamActive()).toBe(true);
    expect(fused.losses[14]).toBeLessThan(fused.losses[0] as number);
    expect(fused.losses).toEqual(stock.losses);
    expect(fused.weights).toEqual(stock.weights);
    expect(fused.moments).toEqual(stock.moments);
  });

  it('leaks no tensors or backend buffers', () => {
    const numDataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    fit(true);
    const before = [tf.memory().numTensors, numDataIds()];
    fit(true);
    expect([tf.memory().numTensors, numDataIds()]).toEqual(before);
  });

  it('is tf.js Adam on other backends', async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    try {
      expect(isFusedAdamActive()).toBe(false);
      const onCpu = fit(true);
      expect(onCpu.losses[14]).toBeLessThan(onCpu.losses[0] as number);
    } finally {
      expect(await tf.setBackend('wasm')).toBe(true);
    }
  });
});

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseHeadSpec } from '../head/head-spec.ts';
import { syntheticClusters } from '../head/synthetic-clusters.ts';
import { trainHead } from '../head/train-head.ts';
import { createRandom } from '../random.ts';
import {
  isFastWasmMatMulRegistered,
  registerFastWasmMatMul,
  unregisterFastWasmMatMul,
} from './fast-wasm-matmul.ts';

const random = createRandom(3);
function randomTensor(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => random.normal()),
    shape,
  );
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
}

/** Runs `f` with the stock kernels and then with the fast ones, returning both outputs. */
function both(f: () => tf.Tensor): [Float32Array, Float32Array] {
  unregisterFastWasmMatMul();
  const stock = tf.tidy(f);
  registerFastWasmMatMul();
  const fast = tf.tidy(f);
  const out: [Float32Array, Float32Array] = [
    stock.dataSync() as Float32Array,
    fast.dataSync() as Float32Array,
  ];
  stock.dispose();
  fast.dispose();
  return out;
}

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterEach(() => unregisterFastWasmMatMul());

describe('registerFastWasmMatMul', () => {
  it('replaces the kernels once and can be undone', () => {
    const stock = tf.getKernel(tf.BatchMatMul, 'wasm');
    expect(registerFastWasmMatMul()).toBe(true);
    const fast = tf.getKernel(tf.BatchMatMul, 'wasm');
    expect(fast?.kernelFunc).not.toBe(stock?.kernelFunc);
    expect(registerFastWasmMatMul()).toBe(true);
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBe(fast);
    expect(isFastWasmMatMulRegistered()).toBe(true);
    unregisterFastWasmMatMul();
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBe(stock);
  });

  it('matches the stock BatchMatMul on random transposed products', () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[37, 50], [29, 50], false, true],
      [[50, 37], [50, 29], true, false],
      [[50, 37], [29, 50], true, true],
      [[37, 50], [50, 29], false, false],
      [[3, 17, 9], [3, 11, 9], false, true],
      [[2, 9, 17], [1, 9, 11], true, false],
    ];
    for (const [aShape, bShape, ta, tb] of cases) {
      const a = randomTensor(aShape);
      const b = randomTensor(bShape);
      const [stock, fast] = both(() => tf.matMul(a, b, ta, tb));
      expect(maxDiff(stock, fast)).toBeLessThan(1e-4);
      a.dispose();
      b.dispose();
    }
  });

  it('matches the stock _FusedMatMul, and plain ops where the stock one adds the bias wrongly', () => {
    const a = randomTensor([40, 24]);
    const b = randomTensor([16, 40]);
    const bias = randomTensor([16]);
    const [stock, fast] = both(() =>
      tf.fused.matMul({ a, b, transposeA: true, transposeB: true, activation: 'relu' }),
    );
    expect(maxDiff(stock, fast)).toBeLessThan(1e-4);
    // The stock WASM kernel (4.22) misplaces the bias when an operand is transposed, so compare with plain ops.
    const reference = tf.tidy(
      () => tf.relu(tf.add(tf.matMul(a, b, true, true), bias)).dataSync() as Float32Array,
    );
    const [, fastBiased] = both(() =>
      tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' }),
    );
    expect(maxDiff(reference, fastBiased)).toBeLessThan(1e-4);
    for (const t of [a, b, bias]) t.dispose();
  });

  it('leaks no tensors or backend buffers', () => {
    registerFastWasmMatMul();
    const a = randomTensor([64, 32]);
    const b = randomTensor([48, 32]);
    const before = tf.memory().numTensors;
    const dataIds = (
      tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }
    ).dataIdMap.numDataIds();
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.matMul(a, b, false, true).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds()).toBe(
      dataIds,
    );
    a.dispose();
    b.dispose();
  });

  it('gives the same training curve as the stock kernels', async () => {
    const data = syntheticClusters({ numClasses: 3, dim: 24, perClass: 60, seed: 9 });
    const options = {
      train: data,
      spec: parseHeadSpec({ value: 'mlp:32,16' }),
      numClasses: 3,
      epochs: 3,
      batchSize: 16,
    };
    unregisterFastWasmMatMul();
    const stock = await trainHead(options);
    registerFastWasmMatMul();
    const fast = await trainHead(options);
    stock.history.forEach((h, i) => expect(fast.history[i]?.loss).toBeCloseTo(h.loss, 4));
    stock.model.dispose();
    fast.model.dispose();
  });
});

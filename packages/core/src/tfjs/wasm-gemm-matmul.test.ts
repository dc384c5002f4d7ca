import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncOrtSessionOpener } from '../node/tfjs/ort-sync-session.ts';
import { parseHeadSpec } from '../head/head-spec.ts';
import { syntheticClusters } from '../head/synthetic-clusters.ts';
import { trainHead } from '../head/train-head.ts';
import { createRandom } from '../random.ts';
import { registerFastWasmKernels, unregisterFastWasmKernels } from './fast-wasm-kernels.ts';
import { isWasmGemmActive, registerFastWasmMatMul, unregisterFastWasmMatMul } from './fast-wasm-matmul.ts';
import { referenceGemm, type SyncGemm } from './gemm.ts';
import { createOrtGemm, type OrtGemm } from './ort-gemm.ts';

const random = createRandom(5);
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

/** A gemm that counts its calls, so tests see which path a product took. */
function counting(gemm: SyncGemm): { gemm: SyncGemm; calls: number } {
  const counter = {
    calls: 0,
    gemm: ((request) => {
      counter.calls++;
      gemm(request);
    }) as SyncGemm,
  };
  return counter;
}

/** `f` with the stock kernels, then with BatchMatMul routed to `gemm`. */
function stockAndGemm(f: () => tf.Tensor, gemm: SyncGemm, minGemmMacs = 0): [Float32Array, Float32Array] {
  unregisterFastWasmMatMul();
  const stock = tf.tidy(f);
  registerFastWasmMatMul({ gemm, minGemmMacs });
  const routed = tf.tidy(f);
  const out: [Float32Array, Float32Array] = [
    stock.dataSync() as Float32Array,
    routed.dataSync() as Float32Array,
  ];
  stock.dispose();
  routed.dispose();
  return out;
}

let ort: OrtGemm;
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  ort = createOrtGemm({ openSession: createSyncOrtSessionOpener({ threads: 2 }) });
});
afterEach(() => unregisterFastWasmMatMul());
afterAll(() => ort.dispose());

const CASES: [number[], number[], boolean, boolean][] = [
  [[37, 50], [50, 29], false, false],
  [[37, 50], [29, 50], false, true],
  [[50, 37], [50, 29], true, false],
  [[50, 37], [29, 50], true, true],
  [[3, 17, 9], [3, 9, 11], false, false],
  [[3, 9, 17], [1, 11, 9], true, true],
  [[1, 17, 9], [4, 9, 11], false, false],
  [[2, 3, 8, 5], [5, 6], false, false],
];

describe('BatchMatMul through a SyncGemm', () => {
  it('matches the stock kernel for every transpose and batch broadcast, through the gemm', () => {
    for (const gemm of [referenceGemm, ort.gemm]) {
      for (const [aShape, bShape, ta, tb] of CASES) {
        const a = randomTensor(aShape);
        const b = randomTensor(bShape);
        const counter = counting(gemm);
        const [stock, routed] = stockAndGemm(() => tf.matMul(a, b, ta, tb), counter.gemm);
        expect(maxDiff(stock, routed)).toBeLessThan(1e-4);
        expect(counter.calls).toBeGreaterThan(0);
        a.dispose();
        b.dispose();
      }
    }
  });

  it('keeps small products, non-float inputs and empty products off the gemm', () => {
    const counter = counting(referenceGemm);
    const a = randomTensor([8, 4]);
    const b = randomTensor([4, 8]);
    const [stock, small] = stockAndGemm(() => tf.matMul(a, b), counter.gemm, 1000);
    expect(counter.calls).toBe(0);
    expect(maxDiff(stock, small)).toBeLessThan(1e-5);
    registerFastWasmMatMul({ gemm: counter.gemm, minGemmMacs: 0 });
    expect(isWasmGemmActive()).toBe(true);
    const empty = tf.tidy(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])).dataSync());
    expect(Array.from(empty)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(counter.calls).toBe(0);
    expect(() => tf.tidy(() => tf.matMul(a, tf.zeros([5, 2])))).toThrow(/inner shapes/);
    registerFastWasmMatMul();
    expect(isWasmGemmActive()).toBe(false);
    a.dispose();
    b.dispose();
  });

  it('leaks no tensors or backend buffers', () => {
    registerFastWasmMatMul({ gemm: ort.gemm, minGemmMacs: 0 });
    const a = randomTensor([64, 32]);
    const b = randomTensor([48, 32]);
    const numDataIds = () =>
      (tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds();
    const before = [tf.memory().numTensors, numDataIds()];
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.matMul(a, b, false, true).dataSync());
    expect([tf.memory().numTensors, numDataIds()]).toEqual(before);
    a.dispose();
    b.dispose();
  });

  it('trains to the stock kernels’ loss curve with every fast kernel on, and repeats it exactly', async () => {
    const data = syntheticClusters({ numClasses: 4, dim: 96, perClass: 64, seed: 11 });
    const options = {
      train: data,
      spec: parseHeadSpec({ value: 'mlp:192/relu,96/sigmoid@0.3' }),
      numClasses: 4,
      epochs: 3,
      batchSize: 32,
    };
    unregisterFastWasmKernels();
    const stock = await trainHead(options);
    registerFastWasmKernels({ gemm: ort.gemm, minGemmMacs: 0 });
    const fast = await trainHead(options);
    const again = await trainHead(options);
    unregisterFastWasmKernels();
    registerFastWasmKernels();
    expect(fast.history).toHaveLength(3);
    stock.history.forEach((h, i) => {
      expect(fast.history[i]?.loss).toBeCloseTo(h.loss, 4);
      expect(fast.history[i]?.accuracy).toBeCloseTo(h.accuracy, 2);
    });
    expect(again.history.map((h) => h.loss)).toEqual(fast.history.map((h) => h.loss));
    for (const r of [stock, fast, again]) r.model.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { balancedClassWeights } from './class-weights.ts';
import type { FeatureArrays, FeatureSource } from './feature-source.ts';
import { parseHeadSpec, type HeadSpec } from './head-spec.ts';
import { argMaxRows, predictProbabilities } from './predict-head.ts';
import { syntheticClusters } from './synthetic-clusters.ts';
import { trainHead, type TrainHeadOptions } from './train-head.ts';

function rows(data: FeatureArrays, start: number, end: number): FeatureArrays {
  return {
    features: data.features.slice(start * data.dim, end * data.dim),
    labels: data.labels.slice(start, end),
    dim: data.dim,
  };
}

const clusters = syntheticClusters({ numClasses: 3, dim: 32, perClass: 200, seed: 7, offset: 50 });
const train = rows(clusters, 0, 450);
const val = rows(clusters, 450, 600);
const small: HeadSpec = parseHeadSpec({ value: 'mlp:32@0.2' });

/** Mean cross-entropy of a trained head over `data`, through the public prediction path. */
async function meanLoss(result: Awaited<ReturnType<typeof trainHead>>, data: FeatureArrays): Promise<number> {
  const p = await predictProbabilities({ head: result, features: data.features, count: data.labels.length });
  let sum = 0;
  data.labels.forEach((label, i) => (sum -= Math.log(Math.max(p[i * 3 + label] as number, 1e-12))));
  return sum / data.labels.length;
}

async function run(options: Partial<TrainHeadOptions>) {
  return trainHead({ train, val, spec: small, numClasses: 3, epochs: 4, batchSize: 32, ...options });
}

beforeAll(async () => {
  expect((await initTfjs({ backend: 'wasm' })).backend).toBe('wasm');
});

describe('trainHead', () => {
  it('separates Gaussian clusters (≥ 98 % validation accuracy) with the tutorial and linear heads', async () => {
    for (const [value, learningRate] of [
      ['tutorial', 1e-3],
      ['linear', 1e-2],
    ] as const) {
      const result = await run({ spec: parseHeadSpec({ value }), epochs: 5, learningRate });
      const last = result.history[result.history.length - 1];
      expect(result.history).toHaveLength(5);
      expect(last?.valAccuracy).toBeGreaterThanOrEqual(0.98);
      expect(last?.loss).toBeLessThan(result.history[0]?.loss as number);
      expect(last?.samplesPerSecond).toBeGreaterThan(0);
      expect(result.bestEpoch).toBe(5);
      const p = await predictProbabilities({ head: result, features: val.features, count: 150 });
      const predicted = argMaxRows({ probabilities: p, numClasses: 3 });
      const correct = predicted.filter((c, i) => c === val.labels[i]).length;
      expect(correct / 150).toBeCloseTo(last?.valAccuracy as number, 6);
      result.model.dispose();
    }
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await run({ seed: 1 });
    const b = await run({ seed: 1 });
    const c = await run({ seed: 2 });
    const losses = (r: typeof a) => r.history.map((h) => [h.loss, h.accuracy, h.valLoss]);
    expect(losses(b)).toEqual(losses(a));
    expect(losses(c)).not.toEqual(losses(a));
    const weights = (r: typeof a) => r.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(b)).toEqual(weights(a));
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('stops early on rising validation loss and restores the best epoch', async () => {
    // Validation labels contradict training: the more the head learns, the worse validation gets.
    const flipped = { ...val, labels: val.labels.map((l) => (l + 1) % 3) };
    const result = await run({ val: flipped, epochs: 30, patience: 2, learningRate: 3e-3 });
    const valLosses = result.history.map((h) => h.valLoss as number);
    const best = valLosses.indexOf(Math.min(...valLosses)) + 1;
    expect(result.stoppedEarly).toBe(true);
    expect(result.bestEpoch).toBe(best);
    expect(result.history).toHaveLength(best + 2);
    expect(valLosses[valLosses.length - 1]).toBeGreaterThan(valLosses[best - 1] as number);
    expect(await meanLoss(result, flipped)).toBeCloseTo(valLosses[best - 1] as number, 4);
    result.model.dispose();
  });

  it('applies class weights to the loss', async () => {
    const plain = await run({ epochs: 1 });
    const weighted = await run({ epochs: 1, classWeights: new Float32Array([3, 1, 1]) });
    expect(weighted.history[0]?.loss).not.toBeCloseTo(plain.history[0]?.loss as number, 3);
    // Validation loss is unweighted; weights change training, so it differs too, but stays comparable.
    expect(weighted.history[0]?.valLoss).toBeLessThan(2);
    plain.model.dispose();
    weighted.model.dispose();
    const imbalanced = new Int32Array([0, 0, 0, 1, 2, 2]);
    expect(Array.from(balancedClassWeights({ labels: imbalanced, numClasses: 4 }))).toEqual([
      expect.closeTo(6 / 12, 6),
      expect.closeTo(6 / 4, 6),
      expect.closeTo(6 / 8, 6),
      1,
    ]);
  });

  it('stops after the current batch when aborted and returns the best epoch so far', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const result = await run({
      epochs: 10,
      signal: controller.signal,
      onBatch: ({ epoch, batch, batches }) => {
        seen.push(`${epoch}/${batch}/${batches}`);
        if (epoch === 3 && batch === 2) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(seen[seen.length - 1]).toBe('3/2/15');
    expect(result.history).toHaveLength(2);
    expect(result.bestEpoch).toBe(2);
    expect(await meanLoss(result, val)).toBeCloseTo(result.history[1]?.valLoss as number, 4);
    result.model.dispose();
  });

  it('notices an abort that arrives from a timer', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await run({ epochs: 100_000, signal: controller.signal });
    expect(result.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    result.model.dispose();
    const already = await run({ signal: AbortSignal.abort() });
    expect(already).toMatchObject({ aborted: true, history: [], bestEpoch: 0 });
    already.model.dispose();
  });

  it('trains from a batch source exactly as from arrays', async () => {
    const requested: number[] = [];
    const source: FeatureSource = {
      count: 450,
      dim: 32,
      labels: train.labels,
      getBatch: async (indices) => {
        requested.push(indices.length);
        const out = new Float32Array(indices.length * 32);
        indices.forEach((r, i) => out.set(train.features.subarray(r * 32, r * 32 + 32), i * 32));
        return out;
      },
    };
    const fromArrays = await run({});
    const fromSource = await run({ train: source });
    expect(fromSource.history.map((h) => h.loss)).toEqual(fromArrays.history.map((h) => h.loss));
    expect(Math.max(...requested)).toBeLessThanOrEqual(1024);
    fromArrays.model.dispose();
    fromSource.model.dispose();
  });

  it('leaks no tensors over train and predict', async () => {
    const before = tf.memory().numTensors;
    const result = await run({ spec: parseHeadSpec({ value: 'mlp:16,8@0.3' }), patience: 1 });
    expect(tf.memory().numTensors - before).toBe(result.model.getWeights().length);
    await predictProbabilities({ head: result, features: val.features, count: 150 });
    expect(tf.memory().numTensors - before).toBe(6);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('standardises by default, which rescues badly scaled features', async () => {
    const raw = await run({ standardize: false, epochs: 2, spec: parseHeadSpec({ value: 'linear' }) });
    const standardized = await run({ epochs: 2, spec: parseHeadSpec({ value: 'linear' }) });
    expect(raw.standardizer).toBeUndefined();
    expect(standardized.standardizer?.mean[0]).toBeCloseTo(
      train.features.filter((_, i) => i % 32 === 0).reduce((s, v) => s + v, 0) / 450,
      3,
    );
    expect(standardized.history[1]?.valLoss).toBeLessThan(raw.history[1]?.valLoss as number);
    raw.model.dispose();
    standardized.model.dispose();
  });

  it('rejects bad options clearly', async () => {
    await expect(run({ epochs: 0 })).rejects.toThrow('Epochs 0 must be a positive integer.');
    await expect(run({ classWeights: new Float32Array(2) })).rejects.toThrow('Class weights have 2 entries');
    await expect(run({ numClasses: 2 })).rejects.toThrow('Training label 2 at row 2 is outside 0..1');
    await expect(run({ val: { ...val, dim: 8, features: new Float32Array(150 * 8) } })).rejects.toThrow(
      'Validation features have dim 8',
    );
  });
});

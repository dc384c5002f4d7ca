import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { preprocessFor } from '../backbone/preprocess-spec.ts';
import { createMemoryBlobStore } from '../cache/blob-store.ts';
import { createFeatureCache } from '../cache/feature-cache.ts';
import type { Dataset, DatasetSample } from '../data/dataset.ts';
import type { BackboneSession } from '../features/backbone-session.ts';
import { extractFeatures } from '../features/extract-features.ts';
import { parseHeadSpec } from '../head/head-spec.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { trainClassifier, type TrainClassifierOptions } from './train-classifier.ts';

// A stand-in backbone whose 4 features per image are its mean R, G, B and a constant: colour classes
// separate linearly, so any working pipeline learns them.
const spec = {
  id: 'fake',
  arch: 'fake',
  outputChannels: 4,
  downsample: 32,
  sha256: 'a'.repeat(64),
  weights: 'random',
  seed: 1,
  parameterCount: 0,
} as BackboneSpec;
const preprocess = preprocessFor('torch', 32);
const session: BackboneSession = {
  executionProvider: 'fake',
  async run(input, dims) {
    const n = dims[0] as number;
    const plane = 32 * 32;
    const out = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let j = 0; j < plane; j++) sum += input[(i * 3 + c) * plane + j] as number;
        out[i * 4 + c] = sum / plane;
      }
      out[i * 4 + 3] = 1;
    }
    return { data: out, dims: [n, 4, 1, 1] };
  },
  async dispose() {},
};

const colours: Record<string, [number, number, number]> = {
  red: [200, 40, 40],
  green: [40, 200, 40],
  blue: [40, 40, 200],
};
function sample(label: string, i: number): DatasetSample {
  const [r, g, b] = colours[label] as [number, number, number];
  const jitter = ((i * 37) % 41) - 20;
  const data = new Uint8Array(8 * 8 * 3);
  for (let p = 0; p < 64; p++) data.set([r + jitter, g - jitter / 2, b + jitter / 3], p * 3);
  return {
    id: `${label}-${i}`,
    label,
    read: async () => ({ kind: 'pixels', image: { width: 8, height: 8, data } }),
  };
}
const dataset: Dataset = {
  name: 'colours',
  labels: ['blue', 'green', 'red'],
  samples: ['red', 'green', 'blue'].flatMap((l) => Array.from({ length: 20 }, (_, i) => sample(l, i))),
  skipped: [],
  source: 'synthetic colours',
};

function options(collect: boolean): TrainClassifierOptions {
  const cache = createFeatureCache({
    store: createMemoryBlobStore(),
    context: { backboneSha256: spec.sha256, preprocess, pooling: 'flatten' },
  });
  return {
    dataset,
    extract: (samples) =>
      extractFeatures({
        samples,
        decode: async () => {
          throw new Error('pixels only');
        },
        session,
        backbone: spec,
        preprocess,
        pooling: 'flatten',
        cache,
        collect,
        batchSize: 7,
      }),
    backbone: spec,
    backboneFile: 'cache:fake',
    preprocess,
    pooling: 'flatten',
    head: parseHeadSpec({ value: 'mlp:8' }),
    epochs: 15,
    batchSize: 8,
    learningRate: 0.01,
    seed: 3,
    valSplit: 0.3,
    testSplit: 0.2,
    standardize: true,
    versions: { test: '1' },
    now: () => new Date('2026-01-02T03:04:05Z'),
  };
}

describe('trainClassifier', () => {
  beforeAll(async () => {
    await initTfjs({ backend: 'wasm' });
  });

  it('splits, trains, evaluates on validation and a held-out test set, and fills the manifest', async () => {
    const before = tf.memory().numTensors;
    const result = await trainClassifier(options(true));
    expect(result.metrics.validation.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.metrics.test?.accuracy).toBeGreaterThanOrEqual(0.9);
    const m = result.manifest;
    expect(m.data.testCount).toBe(12);
    expect(m.data.trainCount + m.data.valCount).toBe(48);
    expect(m.featureDim).toBe(4);
    expect(m.labels).toEqual(['blue', 'green', 'red']);
    expect(m.id).toBe('colours-fake-20260102-030405');
    expect(m.head.standardized).toBe(true);
    expect(m.training).toMatchObject({ epochs: 15, seed: 3, valSplit: 0.3, testSplit: 0.2 });
    result.head.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same model whether features are held in memory or streamed from the cache', async () => {
    const inMemory = await trainClassifier(options(true));
    const streamed = await trainClassifier(options(false));
    expect(streamed.history.map((r) => r.loss)).toEqual(inMemory.history.map((r) => r.loss));
    expect(streamed.metrics.validation.accuracy).toBe(inMemory.metrics.validation.accuracy);
    expect(streamed.metrics.test?.accuracy).toBe(inMemory.metrics.test?.accuracy);
    inMemory.head.model.dispose();
    streamed.head.model.dispose();
  });

  it('refuses a single class', async () => {
    const one = { ...dataset, labels: ['red'], samples: dataset.samples.filter((s) => s.label === 'red') };
    await expect(trainClassifier({ ...options(true), dataset: one })).rejects.toMatchObject({
      code: 'DATASET_TOO_SMALL',
    });
  });
});

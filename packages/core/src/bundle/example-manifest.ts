import { preprocessFor } from '../backbone/preprocess-spec.ts';
import { parseHeadSpec } from '../head/head-spec.ts';
import { BUNDLE_SCHEMA_VERSION, type BundleManifest } from './manifest.ts';

/**
 * A complete, valid manifest for a small 3-class head on 12 standardised features (for tests and docs);
 * `overrides` replace top-level fields.
 */
export function exampleManifest(overrides: Partial<BundleManifest> = {}): BundleManifest {
  return {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    id: 'mnist-2024',
    createdAt: '2024-05-01T12:00:00.000Z',
    backbone: {
      id: 'vgg16-micro',
      arch: 'vgg16',
      file: 'backbones/vgg16-micro.onnx',
      sha256: 'a'.repeat(64),
      weights: 'random',
      seed: 1,
      parameterCount: 1234,
    },
    preprocess: preprocessFor('caffe', 32),
    pooling: 'avg',
    featureDim: 12,
    labels: ['zero', 'one', 'two'],
    head: {
      spec: parseHeadSpec({ value: 'mlp:16@0.1' }),
      standardized: true,
      files: { model: 'head/model.json', standardizer: 'head/standardizer.bin' },
    },
    training: {
      epochs: 2,
      batchSize: 128,
      learningRate: 0.001,
      seed: 42,
      valSplit: 0.2,
      classWeights: 'balanced',
      bestEpoch: 2,
      stoppedEarly: false,
    },
    data: { source: 'mnist', fingerprint: 'f00d', trainCount: 96, valCount: 24 },
    versions: { headstart: '0.1.0', '@tensorflow/tfjs-core': '4.22.0' },
    ...overrides,
  };
}

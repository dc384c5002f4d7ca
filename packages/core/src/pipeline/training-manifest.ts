import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import { BUNDLE_SCHEMA_VERSION, type BundleManifest } from '../bundle/manifest.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Pooling } from '../features/pooling.ts';
import type { HeadSpec } from '../head/head-spec.ts';
import type { HeadModel } from '../head/predict-head.ts';
import { dataFingerprint } from './data-fingerprint.ts';

/** What every training run records about itself, whatever its scenario. */
export interface TrainingRecord {
  dataset: Dataset;
  /** The graph the bundle serves (for fine-tuned runs, the merged conv base). */
  backbone: BackboneSpec;
  backboneFile: string;
  preprocess: PreprocessSpec;
  pooling: Pooling;
  featureDim: number;
  head: HeadModel;
  headSpec: HeadSpec;
  training: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    seed: number;
    valSplit: number;
    testSplit?: number;
    patience?: number;
    classWeights?: 'balanced';
    preset?: string;
    bestEpoch: number;
    stoppedEarly: boolean;
  };
  counts: { train: number; val: number; test?: number };
  versions: Record<string, string>;
  scenario: NonNullable<BundleManifest['scenario']>;
  now?: () => Date;
}

/** The bundle manifest of a finished training run. */
export function trainingManifest(record: TrainingRecord): BundleManifest {
  const { dataset, backbone, head, training } = record;
  const now = record.now?.() ?? new Date();
  const stamp = now
    .toISOString()
    .replace(/[-:]|\.\d+Z$/g, '')
    .replace('T', '-');
  return {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    id: `${dataset.name}-${backbone.id}-${stamp}`,
    createdAt: now.toISOString(),
    backbone: {
      id: backbone.id,
      arch: backbone.arch,
      file: record.backboneFile,
      sha256: backbone.sha256,
      weights: backbone.weights,
      ...(backbone.seed !== undefined ? { seed: backbone.seed } : {}),
      parameterCount: backbone.parameterCount,
    },
    preprocess: record.preprocess,
    pooling: record.pooling,
    featureDim: record.featureDim,
    labels: dataset.labels,
    head: {
      spec: record.headSpec,
      standardized: head.standardizer !== undefined,
      files: {
        model: 'head/model.json',
        ...(head.standardizer ? { standardizer: 'head/standardizer.bin' as const } : {}),
      },
    },
    training: {
      epochs: training.epochs,
      batchSize: training.batchSize,
      learningRate: training.learningRate,
      seed: training.seed,
      valSplit: training.valSplit,
      ...(training.testSplit !== undefined && !dataset.test?.length ? { testSplit: training.testSplit } : {}),
      ...(training.patience !== undefined ? { patience: training.patience } : {}),
      ...(training.classWeights ? { classWeights: training.classWeights } : {}),
      ...(training.preset ? { preset: training.preset } : {}),
      bestEpoch: training.bestEpoch,
      stoppedEarly: training.stoppedEarly,
    },
    data: {
      source: dataset.source,
      fingerprint: dataFingerprint({
        source: dataset.source,
        samples: [...dataset.samples, ...(dataset.test ?? [])],
      }),
      trainCount: record.counts.train,
      valCount: record.counts.val,
      ...(record.counts.test !== undefined ? { testCount: record.counts.test } : {}),
    },
    versions: record.versions,
    scenario: record.scenario,
  };
}

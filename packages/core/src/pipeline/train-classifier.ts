import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import type { BundleMetrics } from '../bundle/bundle-files.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { Dataset, DatasetSample } from '../data/dataset.ts';
import { stratifiedSplit } from '../data/split.ts';
import { HeadstartError } from '../errors.ts';
import type { ExtractResult } from '../features/extract-features.ts';
import type { Pooling } from '../features/pooling.ts';
import { balancedClassWeights } from '../head/class-weights.ts';
import type { HeadSpec } from '../head/head-spec.ts';
import type { HeadModel } from '../head/predict-head.ts';
import { trainHead, type BatchProgress, type EpochRecord } from '../head/train-head.ts';
import { toFeatureSource, type FeatureInput } from '../head/feature-source.ts';
import { evaluateFeatures, type Evaluation } from './evaluate-features.ts';
import { gatherRows } from './gather-rows.ts';
import { trainingManifest } from './training-manifest.ts';

/** Turns samples into features (through a backbone session and a cache, supplied by the platform). */
export type ExtractSamples = (
  samples: readonly DatasetSample[],
  phase: 'train' | 'test',
) => Promise<ExtractResult>;

export interface TrainClassifierOptions {
  dataset: Dataset;
  extract: ExtractSamples;
  backbone: BackboneSpec;
  /** How the bundle refers to the backbone graph: a path or a cache reference. */
  backboneFile: string;
  preprocess: PreprocessSpec;
  pooling: Pooling;
  head: HeadSpec;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  valSplit: number;
  /**
   * When the dataset has no separate test set, hold out this fraction (stratified, seeded) as one before
   * the train/validation split, so a final figure comes from images neither training nor early stopping saw.
   */
  testSplit?: number;
  patience?: number;
  classWeights?: 'balanced';
  standardize: boolean;
  preset?: string;
  /** Versions of the software involved, recorded in the manifest. */
  versions: Record<string, string>;
  signal?: AbortSignal;
  onEpoch?: (record: EpochRecord) => void;
  onBatch?: (progress: BatchProgress) => void;
  /** Called once features are ready, before training starts. */
  onFeatures?: (info: {
    train: number;
    val: number;
    skipped: number;
    cacheHits: number;
    dim: number;
  }) => void;
  /** A clock for the manifest; injectable for tests. */
  now?: () => Date;
}

export interface TrainClassifierResult {
  manifest: BundleManifest;
  head: HeadModel;
  history: EpochRecord[];
  metrics: BundleMetrics & { validation: Evaluation; test?: Evaluation };
  aborted: boolean;
  skipped: { id: string; reason: string }[];
}

/**
 * The training pool and the test set: the dataset's own test set, else a held-out share, else none. The same
 * dataset, share and seed always give the same sets, so `evaluate` can rebuild them.
 */
export function holdOutTestSet(dataset: Dataset, testSplit: number | undefined, seed: number) {
  if (dataset.test && dataset.test.length > 0) return { samples: dataset.samples, testSamples: dataset.test };
  if (testSplit === undefined) return { samples: dataset.samples, testSamples: [] as DatasetSample[] };
  // A different seed stream from the validation split's, so the two draws are independent.
  const { train, val } = stratifiedSplit({
    labels: dataset.samples.map((s) => s.label),
    valFraction: testSplit,
    seed: seed ^ 0x5eed,
  });
  return { samples: train.map((i) => dataset.samples[i]!), testSamples: val.map((i) => dataset.samples[i]!) };
}

/**
 * Scenario 1 of transfer learning, end to end and platform-free: split the dataset (stratified, seeded),
 * extract frozen-backbone features, train the head, evaluate on the validation (and test) set, and
 * describe it all in a bundle manifest. The caller writes the bundle and disposes `head.model`.
 */
export async function trainClassifier(options: TrainClassifierOptions): Promise<TrainClassifierResult> {
  const { dataset, backbone, preprocess, pooling } = options;
  if (dataset.labels.length < 2) {
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `${dataset.source} has ${dataset.labels.length} class${dataset.labels.length === 1 ? ` ("${dataset.labels[0]}")` : 'es'}; a classifier needs at least 2.`,
    );
  }
  const labelIndex = new Map(dataset.labels.map((label, i) => [label, i]));
  const { samples, testSamples } = holdOutTestSet(dataset, options.testSplit, options.seed);
  const split = stratifiedSplit({
    labels: samples.map((s) => s.label),
    valFraction: options.valSplit,
    seed: options.seed,
  });
  const extracted = await options.extract(samples, 'train');
  const rowOf = new Map(extracted.kept.map((sampleIndex, row) => [sampleIndex, row]));
  const rowsOf = (indices: number[]) =>
    indices.flatMap((i) => (rowOf.has(i) ? [rowOf.get(i) as number] : []));
  const labelsOf = (indices: number[]) =>
    Int32Array.from(indices.filter((i) => rowOf.has(i)).map((i) => labelIndex.get(samples[i]!.label)!));
  const trainRows = rowsOf(split.train);
  const valRows = rowsOf(split.val);
  const dim = extracted.dim;
  // Collected features are gathered into arrays; features left in the cache (too many for memory)
  // stream from it a batch at a time.
  const streamed = extracted.features.length === 0 && extracted.kept.length > 0;
  const inputOf = (rows: number[], labels: Int32Array): FeatureInput =>
    streamed
      ? {
          count: rows.length,
          dim,
          labels,
          getBatch: (indices) => extracted.readRows(indices.map((i) => rows[i] as number)),
        }
      : { features: gatherRows({ matrix: extracted.features, dim, rows }), labels, dim };
  const train = inputOf(trainRows, labelsOf(split.train));
  const val = inputOf(valRows, labelsOf(split.val));
  options.onFeatures?.({
    train: trainRows.length,
    val: valRows.length,
    skipped: extracted.skipped.length,
    cacheHits: extracted.cacheHits,
    dim,
  });
  const numClasses = dataset.labels.length;
  const result = await trainHead({
    train,
    val,
    spec: options.head,
    numClasses,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    seed: options.seed,
    patience: options.patience,
    classWeights: options.classWeights
      ? balancedClassWeights({ labels: train.labels, numClasses })
      : undefined,
    standardize: options.standardize,
    signal: options.signal,
    onEpoch: options.onEpoch,
    onBatch: options.onBatch,
  });
  const head: HeadModel = {
    model: result.model,
    ...(result.standardizer ? { standardizer: result.standardizer } : {}),
  };
  const validation = await evaluateFeatures({
    head,
    features: toFeatureSource(val),
    labels: val.labels,
    names: dataset.labels,
  });
  let test: Evaluation | undefined;
  if (testSamples.length > 0 && !result.aborted) {
    const t = await options.extract(testSamples, 'test');
    const testLabels = Int32Array.from(t.kept.map((i) => labelIndex.get(testSamples[i]!.label) ?? -1));
    const testSource: FeatureInput =
      t.features.length > 0
        ? { features: t.features, labels: testLabels, dim }
        : { count: t.kept.length, dim, labels: testLabels, getBatch: (indices) => t.readRows(indices) };
    test = await evaluateFeatures({
      head,
      features: toFeatureSource(testSource),
      labels: testLabels,
      names: dataset.labels,
    });
  }
  const manifest = trainingManifest({
    dataset,
    backbone,
    backboneFile: options.backboneFile,
    preprocess,
    pooling,
    featureDim: dim,
    head,
    headSpec: options.head,
    training: { ...options, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly },
    counts: { train: trainRows.length, val: valRows.length, ...(test ? { test: test.report.total } : {}) },
    versions: options.versions,
    scenario: { kind: 'frozen' },
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    manifest,
    head,
    history: result.history,
    metrics: { validation, ...(test ? { test } : {}) },
    aborted: result.aborted,
    skipped: [...dataset.skipped, ...extracted.skipped],
  };
}

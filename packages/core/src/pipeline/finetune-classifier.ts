import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { Dataset, DatasetSample } from '../data/dataset.ts';
import { stratifiedSplit } from '../data/split.ts';
import { HeadstartError } from '../errors.ts';
import { mergeConvBlocks } from '../export/export-onnx.ts';
import type { Pooling } from '../features/pooling.ts';
import { readConvBlocks } from '../finetune/conv-blocks.ts';
import { predictFinetune, type FinetuneModel } from '../finetune/finetune-model.ts';
import { subsetMapSource, type MapSource } from '../finetune/map-source.ts';
import { planFinetune } from '../finetune/plan-finetune.ts';
import type { ScenarioSettings } from '../finetune/scenario-options.ts';
import { imageMapSource, mapSourceFromFeatures } from '../finetune/source-adapters.ts';
import { trainFinetune, type FinetuneEpochRecord } from '../finetune/train-finetune.ts';
import { balancedClassWeights } from '../head/class-weights.ts';
import type { HeadSpec } from '../head/head-spec.ts';
import type { HeadModel } from '../head/predict-head.ts';
import type { BatchProgress } from '../head/train-head.ts';
import type { DecodeImage } from '../image/rgb-image.ts';
import { argMaxRows } from '../head/predict-head.ts';
import { classificationReport } from '../metrics/classification-report.ts';
import type { Evaluation } from './evaluate-features.ts';
import { holdOutTestSet, type ExtractSamples } from './train-classifier.ts';
import { trainingManifest } from './training-manifest.ts';

export interface FinetuneClassifierOptions {
  dataset: Dataset;
  /** The whole backbone the run starts from. */
  backbone: { bytes: Uint8Array; spec: BackboneSpec };
  /** Scenario, first retrained block, learning rates, warm-up and augmentation (resolveScenarioOptions). */
  settings: ScenarioSettings;
  /**
   * partial: runs the frozen part (the graph cut before `trainableFrom`, as `openFrozen` got it) over
   * samples with flatten pooling, through the feature cache.
   */
  openFrozen?: (frozen: {
    bytes: Uint8Array;
    spec: BackboneSpec;
  }) => Promise<{ extract: ExtractSamples; dispose(): Promise<void> }>;
  /** scratch and full: decodes the images, which are preprocessed a batch at a time. */
  decode: DecodeImage;
  preprocess: PreprocessSpec;
  pooling: Pooling;
  head: HeadSpec;
  epochs: number;
  batchSize: number;
  seed: number;
  valSplit: number;
  testSplit?: number;
  patience?: number;
  classWeights?: 'balanced';
  standardize: boolean;
  preset?: string;
  versions: Record<string, string>;
  signal?: AbortSignal;
  onEpoch?: (record: FinetuneEpochRecord) => void;
  onBatch?: (progress: BatchProgress) => void;
  onFeatures?: (info: {
    train: number;
    val: number;
    skipped: number;
    cacheHits: number;
    dim: number;
  }) => void;
  now?: () => Date;
}

export interface FinetuneClassifierResult {
  manifest: BundleManifest;
  head: HeadModel;
  /** The conv base with the retrained blocks merged in: what the bundle serves as its backbone. */
  mergedBackbone: { bytes: Uint8Array; spec: BackboneSpec };
  history: FinetuneEpochRecord[];
  metrics: { validation: Evaluation; test?: Evaluation };
  aborted: boolean;
}

async function evaluateMaps(model: FinetuneModel, source: MapSource, names: string[]): Promise<Evaluation> {
  const predicted = new Int32Array(source.count);
  let loss = 0;
  for (let start = 0; start < source.count; start += 256) {
    const rows = Array.from({ length: Math.min(256, source.count - start) }, (_, i) => start + i);
    const probabilities = await predictFinetune({
      model,
      data: await source.getBatch(rows),
      count: rows.length,
    });
    predicted.set(argMaxRows({ probabilities, numClasses: names.length }), start);
    rows.forEach((row, i) => {
      loss -= Math.log(Math.max(probabilities[i * names.length + (source.labels[row] as number)] ?? 0, 1e-7));
    });
  }
  const report = classificationReport({ labels: names, actual: source.labels, predicted });
  return { accuracy: report.accuracy, loss: source.count ? loss / source.count : 0, report };
}

/**
 * Scenarios 2–4 end to end: freeze the blocks before `trainableFrom` (partial; their outputs come through
 * the feature cache) or none (scratch, full), train the remaining conv blocks and the head together,
 * evaluate, and merge the retrained blocks into one conv base for serving. The caller writes the bundle
 * (with `mergedBackbone` as its `backbone.onnx`) and disposes `head.model`.
 */
export async function finetuneClassifier(
  options: FinetuneClassifierOptions,
): Promise<FinetuneClassifierResult> {
  const { dataset, backbone, settings } = options;
  if (settings.scenario === 'head')
    throw new HeadstartError(
      'INVALID_OPTION',
      'finetuneClassifier trains conv blocks; use trainClassifier for --scenario head.',
    );
  if (dataset.labels.length < 2) {
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `${dataset.source} has ${dataset.labels.length} class; a classifier needs at least 2.`,
    );
  }
  const plan = planFinetune({
    scenario: settings.scenario,
    backbone,
    trainableFrom: settings.trainableFrom,
    seed: options.seed,
    inputSize: options.preprocess.inputSize,
  });
  const labelIndex = new Map(dataset.labels.map((label, i) => [label, i]));
  const { samples, testSamples } = holdOutTestSet(dataset, options.testSplit, options.seed);
  const split = stratifiedSplit({
    labels: samples.map((s) => s.label),
    valFraction: options.valSplit,
    seed: options.seed,
  });
  const labelsOf = (list: readonly DatasetSample[]) =>
    Int32Array.from(list, (s) => labelIndex.get(s.label) ?? -1);

  let frozen: Awaited<ReturnType<NonNullable<FinetuneClassifierOptions['openFrozen']>>> | undefined;
  const sourceOf = async (
    list: readonly DatasetSample[],
    phase: 'train' | 'test',
  ): Promise<{ source: MapSource; kept: number[]; skipped: number; cacheHits: number }> => {
    if (!plan.frozen) {
      return {
        source: imageMapSource({
          samples: list,
          labels: labelsOf(list),
          decode: options.decode,
          preprocess: options.preprocess,
        }),
        kept: list.map((_, i) => i),
        skipped: 0,
        cacheHits: 0,
      };
    }
    if (!options.openFrozen)
      throw new HeadstartError(
        'INVALID_OPTION',
        'partial fine-tuning needs openFrozen to run the frozen blocks.',
      );
    frozen ??= await options.openFrozen(plan.frozen);
    const extracted = await frozen.extract(list, phase);
    const labels = Int32Array.from(extracted.kept, (i) => labelIndex.get(list[i]!.label) ?? -1);
    const features = {
      count: extracted.kept.length,
      dim: extracted.dim,
      labels,
      getBatch: (rows: readonly number[]) => extracted.readRows(rows),
    };
    return {
      source: mapSourceFromFeatures({ source: features, shape: plan.inputShape }),
      kept: extracted.kept,
      skipped: extracted.skipped.length,
      cacheHits: extracted.cacheHits,
    };
  };

  try {
    const pool = await sourceOf(samples, 'train');
    const rowOf = new Map(pool.kept.map((sampleIndex, row) => [sampleIndex, row]));
    const rows = (indices: number[]) =>
      indices.flatMap((i) => (rowOf.has(i) ? [rowOf.get(i) as number] : []));
    const train = subsetMapSource({ source: pool.source, rows: rows(split.train) });
    const val = subsetMapSource({ source: pool.source, rows: rows(split.val) });
    options.onFeatures?.({
      train: train.count,
      val: val.count,
      skipped: pool.skipped,
      cacheHits: pool.cacheHits,
      dim: pool.source.shape.reduce((a, b) => a * b, 1),
    });
    const numClasses = dataset.labels.length;
    const result = await trainFinetune({
      train,
      val,
      blocks: plan.blocks,
      spec: options.head,
      numClasses,
      pooling: options.pooling,
      epochs: options.epochs,
      warmupEpochs: settings.warmupEpochs,
      batchSize: options.batchSize,
      learningRate: settings.learningRate,
      learningRateBackbone: settings.learningRateBackbone,
      seed: options.seed,
      ...(options.patience ? { patience: options.patience } : {}),
      ...(options.classWeights
        ? { classWeights: balancedClassWeights({ labels: train.labels, numClasses }) }
        : {}),
      standardize: options.standardize,
      augment: settings.augment,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
      ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    });
    const model = result.model;
    const validation = await evaluateMaps(model, val, dataset.labels);
    let test: Evaluation | undefined;
    if (testSamples.length > 0 && !result.aborted)
      test = await evaluateMaps(model, (await sourceOf(testSamples, 'test')).source, dataset.labels);
    const merged = mergeConvBlocks({
      ...(plan.frozen ? { backbone } : {}),
      blocks: readConvBlocks(model.blocks),
      id: `${backbone.spec.id}-${settings.scenario}${settings.scenario === 'partial' ? `-b${settings.trainableFrom}` : ''}`,
    });
    merged.spec = {
      ...merged.spec,
      weights: backbone.spec.weights,
      ...(backbone.spec.seed !== undefined ? { seed: backbone.spec.seed } : {}),
      normalization: backbone.spec.normalization,
    };
    const head = model.head;
    const manifest = trainingManifest({
      dataset,
      backbone: merged.spec,
      backboneFile: 'backbone.onnx',
      preprocess: options.preprocess,
      pooling: options.pooling,
      featureDim: headInputDim(head),
      head,
      headSpec: options.head,
      training: {
        ...options,
        learningRate: settings.learningRate,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
      },
      counts: { train: train.count, val: val.count, ...(test ? { test: test.report.total } : {}) },
      versions: options.versions,
      scenario: {
        kind: settings.scenario,
        trainableFrom: settings.trainableFrom,
        base: { id: backbone.spec.id, sha256: backbone.spec.sha256 },
        warmupEpochs: settings.warmupEpochs,
        learningRateBackbone: settings.learningRateBackbone,
        augment: settings.augment,
      },
      ...(options.now ? { now: options.now } : {}),
    });
    // The retrained blocks now live in the merged graph; only the head stays in tf.js.
    model.blocks.dispose();
    return {
      manifest,
      head,
      mergedBackbone: merged,
      history: result.history,
      metrics: { validation, ...(test ? { test } : {}) },
      aborted: result.aborted,
    };
  } finally {
    await frozen?.dispose();
  }
}

function headInputDim(head: HeadModel): number {
  const shape = head.model.inputs[0]?.shape;
  return (shape?.[1] as number | undefined) ?? 0;
}

import {
  browserSoftwareVersions,
  createBrowserDecoder,
  createFeatureCache,
  createFileDataset,
  extractFeatures,
  HeadstartError,
  parseHeadSpec,
  preprocessFor,
  trainClassifier,
  type BundleMetrics,
  type BundleManifest,
  type EpochRecord,
  type HeadModel,
} from '@headstart/core/browser';
import type { TrainCallbacks, TrainRequest, TrainSummary } from '../shared/protocol.ts';
import { setTrainingSession } from './model-slots.ts';
import { trainingBackbone, type LoadedBackbone, type TrainingBackbone } from './training-backbone.ts';
import { featureStore } from './stores.ts';
import { createEpochBatcher } from './epoch-batcher.ts';

/** A head trained in the page, with what its bundle needs. */
export interface TrainedModel {
  manifest: BundleManifest;
  head: HeadModel;
  metrics: BundleMetrics;
  history: EpochRecord[];
  backbone: TrainingBackbone;
}

function checkClasses(request: TrainRequest): void {
  if (request.classes.length < 2) {
    const only = request.classes[0]?.label.trim();
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `Training needs at least 2 classes${only ? `; "${only}" is the only one` : ''}: add another class.`,
    );
  }
}

/**
 * One training run of the page, as `headstart train` does it: the dropped files become a Dataset, features
 * are extracted through the IndexedDB feature cache (the same keys as everywhere), the head is trained,
 * and the run is described by a bundle manifest. Aborting during training keeps the best head so far.
 */
export async function runTraining(options: {
  request: TrainRequest;
  callbacks: TrainCallbacks;
  signal: AbortSignal;
  loaded?: LoadedBackbone;
}): Promise<{ trained: TrainedModel; summary: TrainSummary }> {
  const { request, callbacks, signal } = options;
  const started = Date.now();
  checkClasses(request);
  const dataset = createFileDataset({ name: request.name, classes: request.classes });
  const head = parseHeadSpec({ value: request.head });
  callbacks.onPhase('backbone', 'Preparing the backbone…');
  const backbone = await trainingBackbone({
    choice: request.backbone,
    ...(options.loaded ? { loaded: options.loaded } : {}),
    onBuild: (id) => callbacks.onPhase('backbone', `Building ${id} from its seed…`),
    keep: setTrainingSession,
  });
  const { spec, session } = backbone;
  if (!Number.isInteger(request.inputSize) || request.inputSize < Math.max(spec.minInputSize, 1)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Invalid input size ${request.inputSize}; ${spec.id} takes whole numbers from ${spec.minInputSize} up.`,
    );
  }
  const preprocess = preprocessFor(spec.normalization, request.inputSize, spec.layout);
  const cache = createFeatureCache({
    store: featureStore(),
    context: { backboneSha256: spec.sha256, preprocess, pooling: request.pooling },
  });
  const decode = createBrowserDecoder();
  let extracted = 0;
  let cacheHits = 0;
  let imagesPerSecond = 0;
  const skipped: TrainSummary['skipped'] = [];
  const epochs = createEpochBatcher({ send: (records) => callbacks.onEpochs(records), intervalMs: 100 });
  const result = await trainClassifier({
    dataset,
    extract: async (samples) => {
      callbacks.onPhase('extract', `Extracting features with ${spec.id} (${session.note})…`);
      const out = await extractFeatures({
        samples,
        decode,
        session,
        backbone: spec,
        preprocess,
        pooling: request.pooling,
        batchSize: 32,
        cache,
        signal,
        onProgress: (p) => {
          if (p.imagesPerSecond > 0) imagesPerSecond = p.imagesPerSecond;
          callbacks.onExtract(p);
        },
      });
      extracted += out.extracted;
      cacheHits += out.cacheHits;
      for (const s of out.skipped) {
        const sample = samples[s.index];
        skipped.push({
          label: sample?.label ?? '',
          name: s.id.slice((sample?.label.length ?? 0) + 1),
          message: s.reason,
        });
      }
      callbacks.onPhase('train', 'Training the head…');
      return out;
    },
    backbone: spec,
    backboneFile: `cache:${spec.id}`,
    preprocess,
    pooling: request.pooling,
    head,
    epochs: request.epochs,
    batchSize: request.batchSize,
    learningRate: request.learningRate,
    seed: request.seed,
    valSplit: request.valSplit,
    standardize: request.standardize,
    versions: browserSoftwareVersions(),
    signal,
    onFeatures: (info) => callbacks.onFeatures(info),
    onEpoch: (record) => epochs.add(record),
  });
  epochs.flush();
  const validation = result.metrics.validation;
  const trained: TrainedModel = {
    manifest: result.manifest,
    head: result.head,
    metrics: result.metrics,
    history: result.history,
    backbone,
  };
  const summary: TrainSummary = {
    bundleId: result.manifest.id,
    labels: result.manifest.labels,
    aborted: result.aborted,
    bestEpoch: result.manifest.training.bestEpoch,
    history: result.history,
    validation: {
      accuracy: validation.accuracy,
      loss: validation.loss,
      confusion: validation.report.confusion,
      total: validation.report.total,
    },
    skipped,
    extracted,
    cacheHits,
    extractImagesPerSecond: extracted > 0 ? imagesPerSecond : 0,
    backboneId: spec.id,
    executionNote: session.note,
    backboneRebuildable: backbone.rebuildable,
    backboneBytes: backbone.bytes.byteLength,
    durationMs: Date.now() - started,
  };
  return { trained, summary };
}

import { extractFeatures, preprocessFor } from '@headstart/core/browser';
import type { BenchmarkResult, TrainBackboneChoice } from '../shared/protocol.ts';
import { noiseSamples } from './noise-samples.ts';
import { setTrainingSession } from './model-slots.ts';
import { trainingBackbone, type LoadedBackbone } from './training-backbone.ts';

/**
 * Images per second through the whole extraction path (preprocessing, backbone, pooling; no decoding and
 * no cache), after one warm-up batch — the figure `headstart extract` reports for the same backbone.
 */
export async function runBenchmark(options: {
  images: number;
  batchSize: number;
  inputSize: number;
  backbone: TrainBackboneChoice;
  loaded?: LoadedBackbone;
}): Promise<BenchmarkResult> {
  const backbone = await trainingBackbone({
    choice: options.backbone,
    ...(options.loaded ? { loaded: options.loaded } : {}),
    onBuild: () => undefined,
    keep: setTrainingSession,
  });
  const preprocess = preprocessFor(backbone.spec.normalization, options.inputSize, backbone.spec.layout);
  const run = (count: number) =>
    extractFeatures({
      samples: noiseSamples({ count, size: options.inputSize }),
      decode: async () => {
        throw new Error('no decoding in benchmarks');
      },
      session: backbone.session,
      backbone: backbone.spec,
      preprocess,
      pooling: 'flatten',
      batchSize: options.batchSize,
      collect: false,
    });
  await run(options.batchSize);
  const started = performance.now();
  await run(options.images);
  const seconds = (performance.now() - started) / 1000;
  return {
    backboneId: backbone.spec.id,
    executionProvider: backbone.session.executionProvider,
    note: backbone.session.note,
    inputSize: options.inputSize,
    batchSize: options.batchSize,
    images: options.images,
    imagesPerSecond: options.images / seconds,
  };
}

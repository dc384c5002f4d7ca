import { extractFeatures, type BackboneSpec, type DatasetSample, type PreprocessSpec } from '@headstart/core';
import { createImageDecoder, createWorkerSession } from '@headstart/core/node';

/**
 * Offline extraction throughput, as `headstart extract` gets it: extractFeatures over encoded images
 * (decode, resize, normalise, ORT in its worker thread), no feature cache, `batchSize` per run.
 */
export async function offlineExtraction(options: {
  model: Uint8Array;
  spec: BackboneSpec;
  preprocess: PreprocessSpec;
  images: readonly Uint8Array[];
  count: number;
  batchSize: number;
  threads?: number;
}): Promise<{ imagesPerSecond: number; images: number; durationMs: number }> {
  const session = await createWorkerSession({
    model: options.model,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  try {
    const samples: DatasetSample[] = Array.from({ length: options.count }, (_, i) => {
      const bytes = options.images[i % options.images.length] as Uint8Array;
      return { id: `img${i}.png`, label: '', read: async () => ({ kind: 'encoded', bytes }) };
    });
    const run = (list: DatasetSample[]) =>
      extractFeatures({
        samples: list,
        decode: createImageDecoder(),
        session,
        backbone: options.spec,
        preprocess: options.preprocess,
        pooling: 'avg',
        batchSize: options.batchSize,
        collect: false,
      });
    await run(samples.slice(0, options.batchSize * 2));
    const started = performance.now();
    await run(samples);
    const durationMs = performance.now() - started;
    return { imagesPerSecond: (options.count * 1000) / durationMs, images: options.count, durationMs };
  } finally {
    await session.dispose();
  }
}

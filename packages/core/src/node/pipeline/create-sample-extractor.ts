import { createFeatureCache, type FeatureCache } from '../../cache/feature-cache.ts';
import type { DatasetSample } from '../../data/dataset.ts';
import { extractFeatures, type ExtractProgress, type ExtractResult } from '../../features/extract-features.ts';
import type { Pooling } from '../../features/pooling.ts';
import type { DecodeImage } from '../../image/rgb-image.ts';
import { createFsBlobStore } from '../cache/fs-blob-store.ts';
import { featureCacheRoot } from '../paths.ts';
import type { FeatureBackbone } from './open-feature-backbone.ts';

export interface SampleExtractorOptions {
  backbone: FeatureBackbone;
  pooling: Pooling;
  decode: DecodeImage;
  batchSize?: number;
  /** Feature cache directory; `false` for none. Default: featureCacheRoot(). */
  cacheRoot?: string | false;
  strict?: boolean;
  signal?: AbortSignal;
  onStart?: (info: { phase: string; total: number }) => void;
  onProgress?: (progress: ExtractProgress & { phase: string }) => void;
}

/** The feature cache for a backbone, preprocessing and pooling, under `root`. */
export function createFsFeatureCache(options: { root: string; backbone: FeatureBackbone; pooling: Pooling }): FeatureCache {
  return createFeatureCache({
    store: createFsBlobStore({ root: options.root }),
    context: {
      backboneSha256: options.backbone.spec.sha256,
      preprocess: options.backbone.preprocess,
      pooling: options.pooling,
    },
  });
}

/** An extraction function bound to one backbone, pooling and cache, for the training and test phases. */
export function createSampleExtractor(options: SampleExtractorOptions) {
  const cache =
    options.cacheRoot === false
      ? undefined
      : createFsFeatureCache({ root: options.cacheRoot ?? featureCacheRoot(), backbone: options.backbone, pooling: options.pooling });
  return async (samples: readonly DatasetSample[], phase: string): Promise<ExtractResult> => {
    options.onStart?.({ phase, total: samples.length });
    return extractFeatures({
      samples,
      decode: options.decode,
      session: options.backbone.session,
      backbone: options.backbone.spec,
      preprocess: options.backbone.preprocess,
      pooling: options.pooling,
      batchSize: options.batchSize ?? 32,
      ...(cache ? { cache } : {}),
      ...(options.strict ? { strict: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (progress) => options.onProgress?.({ ...progress, phase }),
    });
  };
}

import { createFeatureCache, type FeatureCache } from '../../cache/feature-cache.ts';
import type { DatasetSample } from '../../data/dataset.ts';
import {
  extractFeatures,
  type ExtractProgress,
  type ExtractResult,
} from '../../features/extract-features.ts';
import { featureDimension, type Pooling } from '../../features/pooling.ts';
import { backboneOutputShape } from '../../backbone/backbone-spec.ts';
import type { DecodeImage } from '../../image/rgb-image.ts';
import { createFsBlobStore } from '../cache/fs-blob-store.ts';
import { nodeSha256Hex } from '../cache/node-sha256.ts';
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
  /**
   * Above this many bytes of features, vectors stay in the cache and are streamed back a batch at a time
   * (ExtractResult.readRows) instead of being held in one array. Default 512 MiB.
   */
  maxInMemoryBytes?: number;
  signal?: AbortSignal;
  onStart?: (info: { phase: string; total: number }) => void;
  onProgress?: (progress: ExtractProgress & { phase: string }) => void;
}

/** The feature cache for a backbone, preprocessing and pooling, under `root`. */
export function createFsFeatureCache(options: {
  root: string;
  backbone: FeatureBackbone;
  pooling: Pooling;
}): FeatureCache {
  return createFeatureCache({
    store: createFsBlobStore({ root: options.root }),
    sha256Hex: nodeSha256Hex,
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
      : createFsFeatureCache({
          root: options.cacheRoot ?? featureCacheRoot(),
          backbone: options.backbone,
          pooling: options.pooling,
        });
  const dim = featureDimension(
    options.pooling,
    backboneOutputShape(options.backbone.spec, options.backbone.preprocess.inputSize),
  );
  const maxBytes = options.maxInMemoryBytes ?? 512 * 1024 * 1024;
  return async (samples: readonly DatasetSample[], phase: string): Promise<ExtractResult> => {
    options.onStart?.({ phase, total: samples.length });
    const collect = !cache || samples.length * dim * 4 <= maxBytes;
    return extractFeatures({
      samples,
      decode: options.decode,
      session: options.backbone.session,
      backbone: options.backbone.spec,
      preprocess: options.backbone.preprocess,
      pooling: options.pooling,
      batchSize: options.batchSize ?? 32,
      ...(cache ? { cache } : {}),
      collect,
      ...(options.strict ? { strict: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (progress) => options.onProgress?.({ ...progress, phase }),
    });
  };
}

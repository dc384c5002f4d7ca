import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import type { Pooling } from '../features/pooling.ts';
import type { BlobStore } from './blob-store.ts';

/** Bumped whenever the stored format or the meaning of a key changes. */
const CACHE_FORMAT = 1;

/** What, besides the image bytes, decides a feature vector. */
export interface FeatureCacheContext {
  backboneSha256: string;
  preprocess: PreprocessSpec;
  pooling: Pooling;
  /** Name of the tensor the features come from (a block output for partial fine-tuning). */
  outputName?: string;
}

/** Content-addressed feature vectors over a BlobStore. */
export interface FeatureCache {
  /** Hex digest of the context; every key of this cache starts with its first 16 characters. */
  readonly contextId: string;
  /** The key for one image's content bytes (the encoded file, or its decoded pixels). */
  keyFor(content: Uint8Array): string;
  /** The cached vector, or undefined when absent or not `dim` long (a damaged entry is a miss). */
  get(key: string, dim: number): Promise<Float32Array | undefined>;
  put(key: string, features: Float32Array): Promise<void>;
}

/** Stable JSON for hashing: keys sorted at every level. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hex sha256 identifying a cache context (backbone, preprocessing, input size, pooling). */
export function featureContextId(context: FeatureCacheContext): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson({ format: CACHE_FORMAT, ...context }))));
}

/** Creates a feature cache for one context. */
export function createFeatureCache(options: {
  store: BlobStore;
  context: FeatureCacheContext;
}): FeatureCache {
  const { store } = options;
  const contextId = featureContextId(options.context);
  const prefix = contextId.slice(0, 16);
  const salt = utf8ToBytes(contextId);
  return {
    contextId,
    keyFor(content) {
      const digest = bytesToHex(sha256.create().update(salt).update(content).digest());
      return `${prefix}/${digest.slice(0, 2)}/${digest}`;
    },
    async get(key, dim) {
      const bytes = await store.get(key);
      if (bytes === undefined || bytes.byteLength !== dim * 4) return undefined;
      // Copy so the vector is aligned and owned, whatever buffer the store handed back.
      const out = new Float32Array(dim);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    },
    async put(key, features) {
      await store.put(key, new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
    },
  };
}

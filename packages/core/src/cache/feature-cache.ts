import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import type { Pooling } from '../features/pooling.ts';
import { getBlobs, putBlobs, type BlobStore } from './blob-store.ts';

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
  /** Several vectors at once, in key order (undefined for a miss): one store call per batch. */
  getMany(keys: readonly string[], dim: number): Promise<(Float32Array | undefined)[]>;
  /** Stores several vectors as one unit where the store allows (one pack file per batch on disk). */
  putMany(entries: readonly { key: string; features: Float32Array }[]): Promise<void>;
}

/** Hex sha256 of the concatenation of `parts`; platforms may hand in a native one. */
export type Sha256Hex = (parts: readonly Uint8Array[]) => string;

/** The portable sha256 (pure JS), used when no native one is given. */
export const portableSha256Hex: Sha256Hex = (parts) => {
  const hash = sha256.create();
  for (const part of parts) hash.update(part);
  return bytesToHex(hash.digest());
};

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

/** A stored blob as a vector, or undefined when absent or not `dim` long (a damaged entry is a miss). */
function toVector(bytes: Uint8Array | undefined, dim: number): Float32Array | undefined {
  if (bytes === undefined || bytes.byteLength !== dim * 4) return undefined;
  // A blob that owns its whole buffer is used as it is; anything else is copied so the vector is aligned
  // and owned, whatever buffer the store handed back.
  if (
    bytes.byteOffset === 0 &&
    bytes.buffer.byteLength === bytes.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  )
    return new Float32Array(bytes.buffer, 0, dim);
  const out = new Float32Array(dim);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function asBytes(features: Float32Array): Uint8Array {
  return new Uint8Array(features.buffer, features.byteOffset, features.byteLength);
}

/** Creates a feature cache for one context. */
export function createFeatureCache(options: {
  store: BlobStore;
  context: FeatureCacheContext;
  /** Key hashing; must be sha256 so keys agree across platforms. Default: portableSha256Hex. */
  sha256Hex?: Sha256Hex;
}): FeatureCache {
  const { store } = options;
  const hashHex = options.sha256Hex ?? portableSha256Hex;
  const contextId = featureContextId(options.context);
  const prefix = contextId.slice(0, 16);
  const salt = utf8ToBytes(contextId);
  return {
    contextId,
    keyFor(content) {
      const digest = hashHex([salt, content]);
      return `${prefix}/${digest.slice(0, 2)}/${digest}`;
    },
    async get(key, dim) {
      return toVector(await store.get(key), dim);
    },
    async put(key, features) {
      await store.put(key, asBytes(features));
    },
    async getMany(keys, dim) {
      return (await getBlobs(store, keys)).map((bytes) => toVector(bytes, dim));
    },
    async putMany(entries) {
      await putBlobs(
        store,
        entries.map(({ key, features }) => ({ key, bytes: asBytes(features) })),
      );
    },
  };
}

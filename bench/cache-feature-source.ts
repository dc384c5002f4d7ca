import { preprocessFor } from '../packages/core/src/backbone/preprocess-spec.ts';
import { createFeatureCache, type FeatureCache } from '../packages/core/src/cache/feature-cache.ts';
import type { FeatureSource } from '../packages/core/src/head/feature-source.ts';
import { createFsBlobStore } from '../packages/core/src/node/cache/fs-blob-store.ts';
import { nodeSha256Hex } from '../packages/core/src/node/cache/node-sha256.ts';

/**
 * Features kept in the real feature cache (pack files under `root`), as training streams them: rows are
 * written a batch per pack, and each training batch is one cache lookup, so only the batch in flight
 * is in memory.
 */
export interface CacheFeatureWriter {
  /** Stores rows `start …` (row-major, `rows × dim`) as one pack. */
  append(start: number, rows: Float32Array): Promise<void>;
  /** A FeatureSource over everything appended, read back through a fresh cache (as a later run would). */
  source(labels: Int32Array): FeatureSource;
}

function keyOf(cache: FeatureCache, row: number): string {
  return cache.keyFor(new TextEncoder().encode(`bench-row-${row}`));
}

export function createCacheFeatureWriter(options: { root: string; dim: number }): CacheFeatureWriter {
  const { root, dim } = options;
  const open = () =>
    createFeatureCache({
      store: createFsBlobStore({ root }),
      sha256Hex: nodeSha256Hex,
      context: {
        backboneSha256: '0'.repeat(64),
        preprocess: preprocessFor('caffe', 224),
        pooling: 'flatten',
      },
    });
  const writer = open();
  return {
    async append(start, rows) {
      const count = rows.length / dim;
      await writer.putMany(
        Array.from({ length: count }, (_, r) => ({
          key: keyOf(writer, start + r),
          features: rows.subarray(r * dim, (r + 1) * dim),
        })),
      );
    },
    source(labels) {
      const reader = open();
      return {
        count: labels.length,
        dim,
        labels,
        async getBatch(indices) {
          const vectors = await reader.getMany(
            indices.map((i) => keyOf(reader, i)),
            dim,
          );
          const out = new Float32Array(indices.length * dim);
          vectors.forEach((vector, i) => {
            if (!vector) throw new Error(`Row ${indices[i]} is missing from the feature cache.`);
            out.set(vector, i * dim);
          });
          return out;
        },
      };
    },
  };
}

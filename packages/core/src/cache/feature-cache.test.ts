import { describe, expect, it } from 'vitest';
import { preprocessFor } from '../backbone/preprocess-spec.ts';
import { createMemoryBlobStore } from './blob-store.ts';
import { createFeatureCache, featureContextId } from './feature-cache.ts';

const context = {
  backboneSha256: 'ab'.repeat(32),
  preprocess: preprocessFor('caffe', 32),
  pooling: 'flatten' as const,
};

describe('feature cache', () => {
  it('keys on content and context', () => {
    const cache = createFeatureCache({ store: createMemoryBlobStore(), context });
    const a = cache.keyFor(new Uint8Array([1, 2, 3]));
    expect(cache.keyFor(new Uint8Array([1, 2, 3]))).toBe(a);
    expect(cache.keyFor(new Uint8Array([1, 2, 4]))).not.toBe(a);
    expect(a.startsWith(cache.contextId.slice(0, 16))).toBe(true);
    const other = createFeatureCache({
      store: createMemoryBlobStore(),
      context: { ...context, pooling: 'avg' },
    });
    expect(other.keyFor(new Uint8Array([1, 2, 3]))).not.toBe(a);
    expect(featureContextId({ ...context, preprocess: preprocessFor('caffe', 64) })).not.toBe(
      cache.contextId,
    );
  });

  it('round-trips vectors and treats a damaged entry as a miss', async () => {
    const store = createMemoryBlobStore();
    const cache = createFeatureCache({ store, context });
    const key = cache.keyFor(new Uint8Array([9]));
    expect(await cache.get(key, 3)).toBeUndefined();
    await cache.put(key, new Float32Array([1.5, -2, 3]));
    expect([...((await cache.get(key, 3)) ?? [])]).toEqual([1.5, -2, 3]);
    await store.put(key, new Uint8Array(5));
    expect(await cache.get(key, 3)).toBeUndefined();
  });

  it('is independent of key order in the context', () => {
    const shuffled = {
      pooling: context.pooling,
      preprocess: { ...context.preprocess },
      backboneSha256: context.backboneSha256,
    };
    expect(featureContextId(shuffled)).toBe(featureContextId(context));
  });
});

import { mkdtemp, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preprocessFor } from '../../backbone/preprocess-spec.ts';
import { createFeatureCache, portableSha256Hex } from '../../cache/feature-cache.ts';
import { clearFeatureCache, featureCacheStats } from './cache-stats.ts';
import { createFsBlobStore } from './fs-blob-store.ts';
import { nodeSha256Hex } from './node-sha256.ts';

const bytes = (...values: number[]) => new Uint8Array(values);
const key = (space: string, n: number) => `${space}/${String(n).padStart(2, '0')}/${'f'.repeat(8)}${n}`;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-pack-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function packFiles(space: string): Promise<string[]> {
  return (await readdir(join(root, space))).filter((name) => name.endsWith('.pack'));
}

describe('fs blob store (pack files)', () => {
  it('writes a batch as one pack file and reads it back, in this store and in a new one', async () => {
    const store = createFsBlobStore({ root });
    const entries = Array.from({ length: 50 }, (_, n) => ({
      key: key('ctx', n),
      bytes: bytes(n, n + 1, 255),
    }));
    await store.putMany?.(entries);
    expect(await packFiles('ctx')).toHaveLength(1);
    const keys = [key('ctx', 7), key('ctx', 99), key('ctx', 0), key('other', 1)];
    const expected = [bytes(7, 8, 255), undefined, bytes(0, 1, 255), undefined];
    expect(await store.getMany?.(keys)).toEqual(expected);
    // A later run (a new store) finds the entries from the pack headers alone.
    const reopened = createFsBlobStore({ root });
    expect(await reopened.getMany?.(keys)).toEqual(expected);
    expect(await reopened.get(key('ctx', 49))).toEqual(bytes(49, 50, 255));
  });

  it('answers misses without touching the disk once a namespace is indexed', async () => {
    const store = createFsBlobStore({ root });
    expect(await store.get(key('ctx', 1))).toBeUndefined();
    await store.put(key('ctx', 1), bytes(1));
    // Removing the folder behind the store's back: an indexed hit whose file is gone is a miss, not an error.
    await rm(join(root, 'ctx'), { recursive: true });
    expect(await store.get(key('ctx', 1))).toBeUndefined();
    expect(await store.get(key('ctx', 2))).toBeUndefined();
  });

  it('ignores damaged packs and temp files, so an interrupted write costs only its own batch', async () => {
    const store = createFsBlobStore({ root });
    await store.putMany?.([{ key: key('ctx', 1), bytes: bytes(1, 1) }]);
    await store.putMany?.([{ key: key('ctx', 2), bytes: bytes(2, 2, 2, 2) }]);
    // The pack holding entry 2, cut short (a crash mid-copy), and a temp file left by a killed run.
    const packs = await packFiles('ctx');
    expect(packs).toHaveLength(2);
    const holding2 = [];
    for (const name of packs)
      if ((await readFile(join(root, 'ctx', name), 'latin1')).includes(key('ctx', 2))) holding2.push(name);
    expect(holding2).toHaveLength(1);
    const secondPath = join(root, 'ctx', holding2[0] as string);
    await truncate(secondPath, (await readFile(secondPath)).byteLength - 1);
    await writeFile(join(root, 'ctx', `zzz.tmp-0000`), bytes(9, 9, 9));
    await writeFile(join(root, 'ctx', `garbage.pack`), 'not a pack at all');
    const reopened = createFsBlobStore({ root });
    expect(await reopened.get(key('ctx', 1))).toEqual(bytes(1, 1));
    expect(await reopened.get(key('ctx', 2))).toBeUndefined();
    const [stats] = await featureCacheStats({ root });
    expect(stats).toMatchObject({ contextId: 'ctx', entries: 1 });
  });

  it('a key written again later wins over the older pack', async () => {
    const store = createFsBlobStore({ root });
    await store.put(key('ctx', 3), bytes(1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.put(key('ctx', 3), bytes(2, 2));
    expect(await store.get(key('ctx', 3))).toEqual(bytes(2, 2));
    expect(await createFsBlobStore({ root }).get(key('ctx', 3))).toEqual(bytes(2, 2));
  });

  it('still reads the one-file-per-entry layout of older caches', async () => {
    const legacyKey = key('old', 5);
    await mkdir(join(root, 'old', '05'), { recursive: true });
    await writeFile(join(root, legacyKey), bytes(5, 5, 5));
    const store = createFsBlobStore({ root });
    expect(await store.getMany?.([legacyKey, key('old', 6)])).toEqual([bytes(5, 5, 5), undefined]);
    await store.put(key('old', 6), bytes(6));
    expect(await store.get(key('old', 6))).toEqual(bytes(6));
    const [stats] = await featureCacheStats({ root });
    expect(stats).toMatchObject({ contextId: 'old', entries: 2 });
  });

  it('counts entries and bytes per context, and clears one context or all', async () => {
    const store = createFsBlobStore({ root });
    await store.putMany?.([
      { key: key('a', 1), bytes: new Uint8Array(100) },
      { key: key('a', 2), bytes: new Uint8Array(100) },
    ]);
    await store.put(key('b', 1), new Uint8Array(10));
    const stats = await featureCacheStats({ root });
    expect(stats.map((s) => [s.contextId, s.entries])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    // Bytes are the files' sizes: the blobs plus each pack's small header.
    expect(stats[0]?.bytes).toBeGreaterThan(200);
    expect(stats[0]?.bytes).toBeLessThan(400);
    await clearFeatureCache({ root, contextId: 'a' });
    expect((await featureCacheStats({ root })).map((s) => s.contextId)).toEqual(['b']);
    await clearFeatureCache({ root });
    expect(await featureCacheStats({ root })).toEqual([]);
  });
});

describe('feature cache over the fs store', () => {
  const context = {
    backboneSha256: 'cd'.repeat(32),
    preprocess: preprocessFor('caffe', 32),
    pooling: 'flatten' as const,
  };

  it("Node's sha256 gives the portable keys, so node and browser caches agree", () => {
    const store = createFsBlobStore({ root });
    const native = createFeatureCache({ store, context, sha256Hex: nodeSha256Hex });
    const portable = createFeatureCache({ store, context, sha256Hex: portableSha256Hex });
    for (const content of [bytes(), bytes(1, 2, 3), new Uint8Array(5000).fill(7)]) {
      expect(native.keyFor(content)).toBe(portable.keyFor(content));
    }
  });

  it('round-trips a batch of vectors and treats a wrong-length entry as a miss', async () => {
    const cache = createFeatureCache({
      store: createFsBlobStore({ root }),
      context,
      sha256Hex: nodeSha256Hex,
    });
    const keys = [1, 2, 3].map((n) => cache.keyFor(bytes(n)));
    await cache.putMany(
      keys.slice(0, 2).map((k, i) => ({ key: k, features: new Float32Array([i, -i, 0.5]) })),
    );
    const again = createFeatureCache({ store: createFsBlobStore({ root }), context });
    const got = await again.getMany(keys, 3);
    expect(got.map((v) => (v ? [...v] : undefined))).toEqual([[0, -0, 0.5], [1, -1, 0.5], undefined]);
    expect(await again.getMany(keys, 4)).toEqual([undefined, undefined, undefined]);
  });
});

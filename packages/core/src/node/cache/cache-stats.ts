import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PACK_SUFFIX, readPackIndex } from './blob-pack.ts';

/** Entries and bytes of one cache context (one backbone × preprocessing × pooling). */
export interface CacheContextStats {
  contextId: string;
  entries: number;
  bytes: number;
}

/** Counts what one context folder holds: pack files, and the per-entry files of older caches. */
async function contextStats(dir: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name.endsWith(PACK_SUFFIX)) {
      const blobs = await readPackIndex(path);
      if (!blobs) continue;
      entries += blobs.length;
      bytes += (await stat(path)).size;
    } else if (entry.isDirectory()) {
      for (const name of await readdir(path).catch(() => [] as string[])) {
        if (name.includes('.tmp-')) continue;
        entries += 1;
        bytes += (await stat(join(path, name))).size;
      }
    }
  }
  return { entries, bytes };
}

/** Counts what the feature cache under `root` holds, per context. */
export async function featureCacheStats(options: { root: string }): Promise<CacheContextStats[]> {
  const contexts = await readdir(options.root).catch(() => [] as string[]);
  const stats: CacheContextStats[] = [];
  for (const contextId of contexts.sort()) {
    stats.push({ contextId, ...(await contextStats(join(options.root, contextId))) });
  }
  return stats;
}

/** Deletes the feature cache under `root` (or one context of it). */
export async function clearFeatureCache(options: { root: string; contextId?: string }): Promise<void> {
  const target = options.contextId ? join(options.root, options.contextId) : options.root;
  await rm(target, { recursive: true, force: true });
}

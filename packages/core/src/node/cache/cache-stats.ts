import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Entries and bytes of one cache context (one backbone × preprocessing × pooling). */
export interface CacheContextStats {
  contextId: string;
  entries: number;
  bytes: number;
}

/** Counts what the feature cache under `root` holds, per context. */
export async function featureCacheStats(options: { root: string }): Promise<CacheContextStats[]> {
  const contexts = await readdir(options.root).catch(() => [] as string[]);
  const stats: CacheContextStats[] = [];
  for (const contextId of contexts.sort()) {
    let entries = 0;
    let bytes = 0;
    for (const shard of await readdir(join(options.root, contextId)).catch(() => [] as string[])) {
      const dir = join(options.root, contextId, shard);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (name.includes('.tmp-')) continue;
        entries += 1;
        bytes += (await stat(join(dir, name))).size;
      }
    }
    stats.push({ contextId, entries, bytes });
  }
  return stats;
}

/** Deletes the feature cache under `root` (or one context of it). */
export async function clearFeatureCache(options: { root: string; contextId?: string }): Promise<void> {
  const target = options.contextId ? join(options.root, options.contextId) : options.root;
  await rm(target, { recursive: true, force: true });
}

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStore } from '../../cache/blob-store.ts';

/**
 * A BlobStore of files under `root`. Each blob is written to a temp name beside its final path and then
 * renamed, so an interrupted run leaves whole entries or none, and the next run resumes from them.
 */
export function createFsBlobStore(options: { root: string }): BlobStore {
  const { root } = options;
  const made = new Set<string>();
  return {
    async get(key) {
      try {
        return new Uint8Array(await readFile(join(root, key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async put(key, bytes) {
      const path = join(root, key);
      const dir = dirname(path);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      const temp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
      try {
        await writeFile(temp, bytes);
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobEntry, BlobStore } from '../../cache/blob-store.ts';
import { encodePack, PACK_SUFFIX, readPackIndex, type PackedBlob } from './blob-pack.ts';

/** What is known of one namespace (the first key segment, a cache context): its packs' index. */
interface Namespace {
  dir: string;
  index: Map<string, { file: string; offset: number; length: number }>;
  /** Older caches kept one file per key in shard folders; those are still read. */
  hasShardFolders: boolean;
  madeDir: boolean;
}

function splitKey(key: string): { space: string; rest: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { space: '', rest: key } : { space: key.slice(0, slash), rest: key.slice(slash + 1) };
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

type Wanted = { position: number; blob: Omit<PackedBlob, 'key'> };

/** Bytes of unwanted data a read may span to save a separate read. */
const MAX_GAP_BYTES = 256 * 1024;

/** Groups wanted blobs of one file into runs of nearby byte ranges, each served by one read. */
function coalesce(wanted: readonly Wanted[]): { start: number; end: number; items: Wanted[] }[] {
  const sorted = [...wanted].sort((a, b) => a.blob.offset - b.blob.offset);
  const runs: { start: number; end: number; items: Wanted[] }[] = [];
  for (const item of sorted) {
    const end = item.blob.offset + item.blob.length;
    const last = runs[runs.length - 1];
    if (last && item.blob.offset - last.end <= MAX_GAP_BYTES) {
      last.end = Math.max(last.end, end);
      last.items.push(item);
    } else {
      runs.push({ start: item.blob.offset, end, items: [item] });
    }
  }
  return runs;
}

/**
 * A BlobStore of pack files under `root`, one folder per namespace. Each `putMany` writes one pack (to a
 * temp name, then renamed), so an interrupted run leaves whole batches or none and the next run resumes
 * from them; a namespace's index is read from the pack headers once, so lookups and misses cost no I/O.
 */
export function createFsBlobStore(options: { root: string }): BlobStore {
  const { root } = options;
  const spaces = new Map<string, Promise<Namespace>>();

  const loadSpace = async (space: string): Promise<Namespace> => {
    const dir = join(root, space);
    const names = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      if (isMissing(error)) return [];
      throw error;
    });
    const ns: Namespace = {
      dir,
      index: new Map(),
      hasShardFolders: names.some((entry) => entry.isDirectory()),
      madeDir: names.length > 0,
    };
    const packs = names.filter((e) => e.isFile() && e.name.endsWith(PACK_SUFFIX)).map((e) => e.name);
    // Sorted names are time-ordered, so a key written again later wins.
    for (const name of packs.sort()) {
      const file = join(dir, name);
      for (const blob of (await readPackIndex(file)) ?? []) ns.index.set(blob.key, { file, ...blob });
    }
    return ns;
  };
  const spaceOf = (space: string): Promise<Namespace> => {
    let loaded = spaces.get(space);
    if (!loaded) {
      loaded = loadSpace(space);
      spaces.set(space, loaded);
    }
    return loaded;
  };

  const readPacked = async (
    file: string,
    wanted: Wanted[],
    out: (Uint8Array | undefined)[],
  ): Promise<void> => {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      // Cleared by another process since the index was read: the entries are simply gone.
      if (isMissing(error)) return;
      throw error;
    }
    try {
      // Entries written in one batch are usually read in one batch: nearby ones come in a single read.
      for (const run of coalesce(wanted)) {
        const span = new Uint8Array(run.end - run.start);
        const { bytesRead } = await handle.read(span, 0, span.byteLength, run.start);
        for (const { position, blob } of run.items) {
          const from = blob.offset - run.start;
          if (from + blob.length > bytesRead) continue;
          // A lone blob owns its read buffer; blobs sharing one get views, which callers copy anyway.
          out[position] = run.items.length === 1 ? span : span.subarray(from, from + blob.length);
        }
      }
    } finally {
      await handle.close();
    }
  };

  const readShardFile = async (key: string): Promise<Uint8Array | undefined> => {
    try {
      return new Uint8Array(await readFile(join(root, key)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };

  const getMany = async (keys: readonly string[]): Promise<(Uint8Array | undefined)[]> => {
    const out: (Uint8Array | undefined)[] = new Array(keys.length).fill(undefined);
    const byFile = new Map<string, Wanted[]>();
    const shardReads: Promise<void>[] = [];
    // One index per namespace, loaded once, rather than an await per key on this hot path.
    const names = [...new Set(keys.map((key) => splitKey(key).space))];
    const loaded = new Map(
      await Promise.all(names.map(async (name) => [name, await spaceOf(name)] as const)),
    );
    for (let position = 0; position < keys.length; position++) {
      const key = keys[position] as string;
      const ns = loaded.get(splitKey(key).space) as Namespace;
      const blob = ns.index.get(key);
      if (blob) {
        const list = byFile.get(blob.file) ?? [];
        list.push({ position, blob });
        byFile.set(blob.file, list);
      } else if (ns.hasShardFolders) {
        shardReads.push(readShardFile(key).then((bytes) => void (out[position] = bytes)));
      }
    }
    await Promise.all([...shardReads, ...[...byFile].map(([file, wanted]) => readPacked(file, wanted, out))]);
    return out;
  };

  const writePack = async (space: string, entries: readonly BlobEntry[]): Promise<void> => {
    const ns = await spaceOf(space);
    if (!ns.madeDir) {
      await mkdir(ns.dir, { recursive: true });
      ns.madeDir = true;
    }
    const name = `${Date.now().toString(36).padStart(10, '0')}-${randomBytes(6).toString('hex')}`;
    const file = join(ns.dir, `${name}${PACK_SUFFIX}`);
    const temp = join(ns.dir, `${name}.tmp-${randomBytes(4).toString('hex')}`);
    const { buffers, offsets } = encodePack(entries);
    try {
      await writeFile(temp, Buffer.concat(buffers));
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    entries.forEach((entry, i) => {
      ns.index.set(entry.key, { file, offset: offsets[i] as number, length: entry.bytes.byteLength });
    });
  };

  const putMany = async (entries: readonly BlobEntry[]): Promise<void> => {
    const bySpace = new Map<string, BlobEntry[]>();
    for (const entry of entries) {
      const { space } = splitKey(entry.key);
      const list = bySpace.get(space) ?? [];
      list.push(entry);
      bySpace.set(space, list);
    }
    await Promise.all([...bySpace].map(([space, list]) => writePack(space, list)));
  };

  return {
    get: async (key) => (await getMany([key]))[0],
    put: (key, bytes) => putMany([{ key, bytes }]),
    getMany,
    putMany,
  };
}

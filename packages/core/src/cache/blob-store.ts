/** One blob of a batch write. */
export interface BlobEntry {
  key: string;
  bytes: Uint8Array;
}

/**
 * A key → bytes store. Node keeps blobs in pack files (written to a temp name, then renamed), the browser
 * in IndexedDB. Keys are `/`-separated paths of hex digests; the first segment names a namespace (a cache
 * context).
 */
export interface BlobStore {
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` atomically: a reader sees either nothing or the whole blob. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Several blobs in one call, in key order. Optional: stores that can serve a batch cheaper than one
   * lookup per key (an in-memory index, one file per batch) implement it; see getBlobs.
   */
  getMany?(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /**
   * Stores several blobs as one atomic unit where the store can (one pack file, one transaction), which
   * turns a batch of small writes into one. Optional; see putBlobs.
   */
  putMany?(entries: readonly BlobEntry[]): Promise<void>;
}

/** `keys` from `store`, through its batch read when it has one. */
export function getBlobs(store: BlobStore, keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
  if (store.getMany) return store.getMany(keys);
  return Promise.all(keys.map((key) => store.get(key)));
}

/** Writes `entries` to `store`, through its batch write when it has one. */
export async function putBlobs(store: BlobStore, entries: readonly BlobEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (store.putMany) return store.putMany(entries);
  await Promise.all(entries.map((entry) => store.put(entry.key, entry.bytes)));
}

/** An in-memory BlobStore, for tests and short-lived pages. */
export function createMemoryBlobStore(): BlobStore & { readonly size: number } {
  const blobs = new Map<string, Uint8Array>();
  return {
    get: async (key) => blobs.get(key),
    put: async (key, bytes) => {
      blobs.set(key, bytes.slice());
    },
    get size() {
      return blobs.size;
    },
  };
}

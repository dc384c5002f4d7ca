/**
 * A key → bytes store. Node keeps blobs as files (written to a temp name, then renamed), the browser in
 * IndexedDB or OPFS. Keys are `/`-separated paths of hex digests.
 */
export interface BlobStore {
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` atomically: a reader sees either nothing or the whole blob. */
  put(key: string, bytes: Uint8Array): Promise<void>;
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

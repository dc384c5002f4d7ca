import type { BlobEntry, BlobStore } from '../cache/blob-store.ts';
import { HeadstartError } from '../errors.ts';

export interface IndexedDbBlobStoreOptions {
  /** Database name; one database can hold several stores. Default `headstart`. */
  database?: string;
  /** Object store in it, e.g. `features` or `backbones`. */
  store: string;
}

/** Store names every database of this kind is created with, so any of them can be opened later. */
export const INDEXEDDB_STORES = ['features', 'backbones'] as const;

/** A BlobStore with the extras the page shows: entry count and clearing. */
export interface IndexedDbBlobStore extends BlobStore {
  count(): Promise<number>;
  keys(): Promise<string[]>;
  clear(): Promise<void>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

const opened = new Map<string, Promise<IDBDatabase>>();

function openDatabase(name: string): Promise<IDBDatabase> {
  let db = opened.get(name);
  if (!db) {
    db = new Promise<IDBDatabase>((resolve, reject) => {
      if (typeof indexedDB === 'undefined') {
        reject(
          new HeadstartError(
            'DEVICE_UNAVAILABLE',
            'IndexedDB is not available here (private mode or an old browser).',
          ),
        );
        return;
      }
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        for (const store of INDEXEDDB_STORES)
          if (!req.result.objectStoreNames.contains(store)) req.result.createObjectStore(store);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () =>
        reject(
          new HeadstartError(
            'DEVICE_UNAVAILABLE',
            `IndexedDB "${name}" could not be opened: ${req.error?.message ?? 'unknown error'}.`,
          ),
        );
      req.onblocked = () =>
        reject(new HeadstartError('DEVICE_UNAVAILABLE', `IndexedDB "${name}" is blocked by another tab.`));
    });
    db.catch(() => opened.delete(name));
    opened.set(name, db);
  }
  return db;
}

/**
 * A BlobStore in IndexedDB, usable from a page or a Web Worker. Each put (or batch) is one transaction, so
 * a reader sees the whole batch or none of it. Values are stored as ArrayBuffers under the key as given.
 */
export function createIndexedDbBlobStore(options: IndexedDbBlobStoreOptions): IndexedDbBlobStore {
  const database = options.database ?? 'headstart';
  const { store } = options;
  if (!(INDEXEDDB_STORES as readonly string[]).includes(store)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Unknown IndexedDB store "${store}"; use ${INDEXEDDB_STORES.join(' or ')}.`,
    );
  }
  const transaction = async (mode: IDBTransactionMode): Promise<IDBObjectStore> =>
    (await openDatabase(database)).transaction(store, mode).objectStore(store);
  const getMany = async (keys: readonly string[]): Promise<(Uint8Array | undefined)[]> => {
    // One transaction for the batch: per-key transactions cost more than the reads themselves.
    const objectStore = await transaction('readonly');
    const values = (await Promise.all(keys.map((key) => request(objectStore.get(key))))) as (
      ArrayBuffer | undefined
    )[];
    return values.map((value) => (value === undefined ? undefined : new Uint8Array(value)));
  };
  const putMany = async (entries: readonly BlobEntry[]): Promise<void> => {
    const copies = entries.map((entry) => ({ key: entry.key, buffer: entry.bytes.slice().buffer }));
    const objectStore = await transaction('readwrite');
    const tx = objectStore.transaction;
    // Resolved on commit, not on the requests' success: only then are the blobs durable and visible.
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
      tx.onabort = () =>
        reject(tx.error ?? new Error('IndexedDB write aborted (is the storage quota exceeded?)'));
    });
    for (const { key, buffer } of copies) objectStore.put(buffer, key);
    await committed;
  };
  return {
    get: async (key) => (await getMany([key]))[0],
    put: (key, bytes) => putMany([{ key, bytes }]),
    getMany,
    putMany,
    async count() {
      return request((await transaction('readonly')).count());
    },
    async keys() {
      return (await request((await transaction('readonly')).getAllKeys())).map(String);
    },
    async clear() {
      await request((await transaction('readwrite')).clear());
    },
  };
}

// Node adapters for cache.
export * from './cache-stats.ts';
export * from './fs-blob-store.ts';
export * from './node-sha256.ts';

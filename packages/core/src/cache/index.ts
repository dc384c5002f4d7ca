// Public API of cache/.
export * from './blob-store.ts';
export * from './feature-cache.ts';

// Public API of serving/: dynamic batching and batched model runs for servers.
export * from './dynamic-batcher.ts';
export * from './model-batch.ts';

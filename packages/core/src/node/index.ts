/** @headstart/core/node — Node adapters: sharp/pngjs decoding, onnxruntime-node, file stores, workers. */
export * from '../index.ts';
export * from './backbone/index.ts';
export * from './data/index.ts';
export * from './features/index.ts';
export * from './cache/index.ts';
export * from './head/index.ts';
export * from './paths.ts';
export * from './write-file-atomic.ts';
export * from './image/index.ts';
export * from './pipeline/index.ts';
export * from './finetune/index.ts';
export * from './tfjs/index.ts';

/** @headstart/core/browser — browser adapters: canvas decoding, onnxruntime-web, IndexedDB stores. */
export * from '../index.ts';

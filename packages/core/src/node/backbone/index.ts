// Node adapters for backbone.
export * from './model-store.ts';
export * from './download.ts';
export * from './keras-sources.ts';
export * from './pull-backbone.ts';
export * from './read-keras-h5.ts';
export * from './onnx-file-backbone.ts';
export * from './import-backbone.ts';
export * from './resolve-backbone.ts';

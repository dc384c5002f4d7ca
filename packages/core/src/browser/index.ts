/** @headstart/core/browser — browser adapters: canvas decoding, onnxruntime-web, IndexedDB stores. */
export * from '../index.ts';
export * from './sniff-image.ts';
export * from './decode-image-browser.ts';
export * from './webgpu-probe.ts';
export * from './ort-web-session.ts';
export * from './tfjs-browser.ts';
export * from './sha256-browser.ts';
export * from './indexeddb-blob-store.ts';
export * from './backbone-store.ts';
export * from './zip-bundle.ts';
export * from './file-map-bundle.ts';
export * from './http-bundle-reader.ts';
export * from './rebuild-random-backbone.ts';
export * from './locate-browser-backbone.ts';
export * from './open-browser-bundle-model.ts';
export * from './file-dataset.ts';
export * from './browser-versions.ts';

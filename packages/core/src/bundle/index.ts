// Public API of bundle/.
export * from './manifest.ts';
export * from './bundle-files.ts';
export * from './memory-bundle.ts';
export * from './merged-model.ts';

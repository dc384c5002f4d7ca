// Node adapters for the pipelines.
export * from './locate-bundle-backbone.ts';
export * from './open-bundle-model.ts';
export * from './read-model-dir.ts';
export * from './open-feature-backbone.ts';
export * from './create-sample-extractor.ts';
export * from './software-versions.ts';
export * from './export-bundle.ts';
export * from './export-merged-model.ts';

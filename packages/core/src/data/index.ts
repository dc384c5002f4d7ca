// Public API of data/.
export * from './dataset.ts';
export * from './sample-content.ts';
export * from './idx.ts';
export * from './split.ts';
export * from './csv-labels.ts';
export * from './limit-dataset.ts';

// Node adapters for data.
export * from './image-files.ts';
export * from './folder-dataset.ts';
export * from './csv-dataset.ts';
export * from './idx-dataset.ts';
export * from './mnist-builtin.ts';
export * from './open-dataset.ts';
export * from './list-image-paths.ts';

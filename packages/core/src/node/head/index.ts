// Node adapters for head: the tfjs backend choice and bundle directories.
export * from './tfjs-backend.ts';
export * from './bundle-dir.ts';

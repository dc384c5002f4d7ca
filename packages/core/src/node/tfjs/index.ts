// Node adapters for tf.js kernels.
export * from './ort-sync-session.ts';

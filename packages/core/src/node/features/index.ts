// Node adapters for features.
export * from './ort-session.ts';
export * from './worker-session.ts';

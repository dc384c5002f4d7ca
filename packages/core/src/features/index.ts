// Public API of features/.
export * from './backbone-session.ts';
export * from './extract-features.ts';
export * from './pooling.ts';
export * from './npy.ts';

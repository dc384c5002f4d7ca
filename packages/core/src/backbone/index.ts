// Public API of backbone/.
export * from './backbone-spec.ts';
export * from './preprocess-spec.ts';

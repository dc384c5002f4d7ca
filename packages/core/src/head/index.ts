// Public API of head/.
export * from './head-spec.ts';
export * from './feature-source.ts';
export * from './feature-standardizer.ts';
export * from './class-weights.ts';
export * from './build-head.ts';
export * from './head-forward.ts';
export * from './evaluate-head.ts';
export * from './train-head.ts';
export * from './predict-head.ts';
export * from './head-artifacts.ts';
export * from './synthetic-clusters.ts';

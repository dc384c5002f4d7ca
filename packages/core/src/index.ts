/**
 * @headstart/core — the isomorphic part: no Node built-ins, no DOM, no concrete runtime. Platform adapters
 * live in `@headstart/core/node` and `@headstart/core/browser`.
 */
export * from './errors.ts';
export * from './random.ts';
export * from './image/index.ts';
export * from './backbone/index.ts';
export * from './data/index.ts';
export * from './features/index.ts';
export * from './cache/index.ts';
export * from './head/index.ts';
export * from './bundle/index.ts';
export * from './metrics/index.ts';
export * from './pipeline/index.ts';
export * from './finetune/index.ts';
export * from './export/index.ts';
export * from './tfjs/index.ts';
export * from './serving/index.ts';

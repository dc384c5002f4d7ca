// Public API of pipeline/.
export * from './data-fingerprint.ts';
export * from './evaluate-features.ts';
export * from './gather-rows.ts';
export * from './presets.ts';
export * from './train-classifier.ts';
export * from './predict-images.ts';
export * from './finetune-classifier.ts';
export * from './training-manifest.ts';

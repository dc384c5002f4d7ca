// Public API of finetune/: the partial, scratch and full scenarios (conv blocks trained in tf.js).
export * from './scenario-options.ts';
export * from './plan-finetune.ts';
export * from './conv-block-weights.ts';
export * from './onnx-conv-weights.ts';
export * from './trainable-conv.ts';
export * from './conv-blocks.ts';
export * from './map-source.ts';
export * from './source-adapters.ts';
export * from './augment.ts';
export * from './finetune-model.ts';
export * from './finetune-standardizer.ts';
export * from './finetune-step.ts';
export { checkLearningRate, validateFinetuneInputs } from './validate-finetune.ts';
export * from './train-finetune.ts';
export * from './linear-probe.ts';
export * from './advise-scenario.ts';
export * from './synthetic-images.ts';

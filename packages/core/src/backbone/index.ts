// Public API of backbone/.
export * from './backbone-spec.ts';
export * from './preprocess-spec.ts';
export * from './vgg-architectures.ts';
export * from './build-vgg-onnx.ts';
export * from './onnx-graph.ts';
export * from './truncate-graph.ts';
export * from './import-onnx-backbone.ts';
export * from './keras-weights.ts';
export * from './parse-backbone-spec.ts';
export { sha256Hex } from './sha256.ts';
export { decodeOnnxModel, encodeOnnxModel } from './onnx-model.ts';

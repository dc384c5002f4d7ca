// Public API of export/: trained classifiers as one ONNX graph.
export * from './head-weights.ts';
export * from './onnx-nodes.ts';
export * from './conv-base.ts';
export * from './export-onnx.ts';

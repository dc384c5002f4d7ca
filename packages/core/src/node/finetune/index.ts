// Node pieces of fine-tuning and export.
export * from './run-onnx-graph.ts';

// Public API of tfjs/: TensorFlow.js helpers shared by every platform.
export * from './fast-wasm-matmul.ts';

// Public API of tfjs/: TensorFlow.js helpers shared by every platform.
export * from './fast-wasm-kernels.ts';
export * from './fast-wasm-matmul.ts';
export * from './fused-adam.ts';
export * from './gemm.ts';
export * from './ort-gemm.ts';
export * from './wasm-identity.ts';

import { createRequire } from 'node:module';

/** Requires a package the core depends on (onnxruntime-node, sharp): the root workspace does not list them. */
export const coreRequire = createRequire(new URL('../packages/core/package.json', import.meta.url));

export interface OrtTensor {
  dispose(): void;
}

export interface OrtInferenceSession {
  inputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The slice of onnxruntime-node's API the raw benchmarks use. */
export interface OrtNode {
  env: { logLevel?: string };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, options: object): Promise<OrtInferenceSession> };
}

export function loadOrtNode(): OrtNode {
  const ort = coreRequire('onnxruntime-node') as OrtNode;
  ort.env.logLevel = 'fatal';
  return ort;
}

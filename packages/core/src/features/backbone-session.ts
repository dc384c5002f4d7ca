/** Devices a backbone can run on. `webgpu` is onnxruntime-node's Dawn provider or the browser's WebGPU. */
export const DEVICES = ['cpu', 'cuda', 'webgpu', 'wasm'] as const;
export type Device = (typeof DEVICES)[number];

/** One backbone inference result. */
export interface BackboneOutput {
  data: Float32Array;
  dims: number[];
}

/**
 * A loaded backbone graph, ready to run batches. Node implements it with onnxruntime-node (in a worker
 * thread), the browser with onnxruntime-web; tests can use a fake.
 */
export interface BackboneSession {
  /**
   * Runs one batch; `input` holds dims' product float32 values in the graph's layout. It may be called
   * again before an earlier run settles: runs are taken one at a time, in call order, so a caller can keep
   * the next batch waiting while it handles the last one's output. The input may be transferred away.
   */
  run(input: Float32Array, dims: readonly number[]): Promise<BackboneOutput>;
  /** The execution provider actually in use, such as `cpu` or `cuda`. */
  readonly executionProvider: string;
  /** Frees the session (and its worker, if any). */
  dispose(): Promise<void>;
}

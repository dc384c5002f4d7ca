import { encodeOnnxModel, floatValueInfo, type OnnxAttribute } from '../backbone/onnx-model.ts';
import type { GemmRequest, SyncGemm } from './gemm.ts';

/** A float32 CPU tensor as ONNX Runtime's native binding reads it: `data` may be a view into a larger buffer. */
export interface OrtCpuTensor {
  type: 'float32';
  location: 'cpu';
  data: Float32Array;
  dims: number[];
}

/**
 * The synchronous session that ONNX Runtime's native binding provides underneath its promise-based API.
 * A fetch given as a tensor is written in place, so results land directly in the caller's memory.
 */
export interface SyncOrtSession {
  run(feeds: Record<string, OrtCpuTensor>, fetches: Record<string, OrtCpuTensor>): unknown;
  dispose(): void;
}

/** Opens a synchronous session on an ONNX model's bytes; the opener chooses threads and providers. */
export type OpenSyncOrtSession = (model: Uint8Array) => SyncOrtSession;

export interface OrtGemm {
  gemm: SyncGemm;
  /** Releases the sessions opened so far; later calls open them again. */
  dispose(): void;
}

const ATTRIBUTE_INT = 2;

/** A one-node ONNX graph `Y = Gemm(A, B)` with the given transposes and symbolic dims. */
export function gemmModel(options: { transposeA: boolean; transposeB: boolean }): Uint8Array {
  const attribute: OnnxAttribute[] = [
    { name: 'transA', type: ATTRIBUTE_INT, i: options.transposeA ? 1 : 0 },
    { name: 'transB', type: ATTRIBUTE_INT, i: options.transposeB ? 1 : 0 },
  ];
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'headstart',
    graph: {
      name: 'gemm',
      node: [{ name: 'gemm', opType: 'Gemm', input: ['A', 'B'], output: ['Y'], attribute }],
      input: [floatValueInfo('A', ['a0', 'a1']), floatValueInfo('B', ['b0', 'b1'])],
      output: [floatValueInfo('Y', ['m', 'n'])],
    },
  });
}

function cpuTensor(data: Float32Array, dims: number[]): OrtCpuTensor {
  return { type: 'float32', location: 'cpu', data, dims };
}

/**
 * A SyncGemm over ONNX Runtime's CPU Gemm (MLAS: AVX2/AVX-512 kernels on every intra-op thread), one
 * lazily opened session per transpose combination. Inputs and output are passed as views, never copied.
 */
export function createOrtGemm(options: { openSession: OpenSyncOrtSession }): OrtGemm {
  const sessions = new Map<number, SyncOrtSession>();
  const sessionFor = (transposeA: boolean, transposeB: boolean): SyncOrtSession => {
    const key = (transposeA ? 1 : 0) + (transposeB ? 2 : 0);
    let session = sessions.get(key);
    if (!session) {
      session = options.openSession(gemmModel({ transposeA, transposeB }));
      sessions.set(key, session);
    }
    return session;
  };
  const gemm = ({ a, b, out, m, n, k, transposeA, transposeB }: GemmRequest): void => {
    sessionFor(transposeA, transposeB).run(
      {
        A: cpuTensor(a.subarray(0, m * k), transposeA ? [k, m] : [m, k]),
        B: cpuTensor(b.subarray(0, k * n), transposeB ? [n, k] : [k, n]),
      },
      { Y: cpuTensor(out.subarray(0, m * n), [m, n]) },
    );
  };
  return {
    gemm,
    dispose() {
      for (const session of sessions.values()) session.dispose();
      sessions.clear();
    },
  };
}

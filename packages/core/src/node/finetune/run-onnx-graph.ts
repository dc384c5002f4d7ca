import * as ort from 'onnxruntime-node';

/** One float32 output of a graph run: its values and dims. */
export interface GraphOutput {
  data: Float32Array;
  dims: number[];
}

/**
 * Runs an ONNX graph once on the calling thread with onnxruntime-node (one intra-op thread, so results
 * repeat exactly) and returns the named float32 outputs. For checks and tools — exported graphs, parity
 * of tf.js blocks with the frozen graph — not for serving, which goes through a worker-backed session.
 */
export async function runOnnxGraph(options: {
  bytes: Uint8Array;
  /** Input name → values and dims. */
  feeds: Record<string, { data: Float32Array; dims: readonly number[] }>;
  /** Output names to fetch; default every graph output. */
  outputs?: readonly string[];
}): Promise<Record<string, GraphOutput>> {
  ort.env.logLevel = 'fatal';
  const session = await ort.InferenceSession.create(options.bytes, {
    intraOpNumThreads: 1,
    logSeverityLevel: 4,
  });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(options.feeds))
      feeds[name] = new ort.Tensor('float32', feed.data, [...feed.dims]);
    const names = options.outputs ? [...options.outputs] : [...session.outputNames];
    const results = await session.run(feeds, names);
    const out: Record<string, GraphOutput> = {};
    for (const name of names) {
      const tensor = results[name];
      if (!tensor) continue;
      out[name] = { data: Float32Array.from(tensor.data as Float32Array), dims: [...tensor.dims] };
      tensor.dispose();
    }
    return out;
  } finally {
    await session.release();
  }
}

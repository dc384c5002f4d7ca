import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { buildVggOnnx } from './build-vgg-onnx.ts';
import { inspectVggGraph } from './onnx-graph.ts';
import { decodeOnnxModel, encodeOnnxModel, floatInitializer, floatValueInfo } from './onnx-model.ts';
import { sliceAfterBlock, truncateGraph } from './truncate-graph.ts';
import { getVggArchitecture, vggParameterCount } from './vgg-architectures.ts';
import { sha256Hex } from './sha256.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 11 } });
const image = Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.cos(i * 0.37) * 50);

async function run(
  bytes: Uint8Array,
  dims = [1, 3, 32, 32],
  data = image,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const outputs = await session.run({ input: new ort.Tensor('float32', data, dims) });
  await session.release();
  return outputs;
}

/** The micro base with Flatten, Gemm and Softmax after it, as a whole image classifier would be. */
function withClassifier(): Uint8Array {
  const model = decodeOnnxModel(micro.bytes);
  const graph = model.graph!;
  graph.node!.push(
    { name: 'flatten', opType: 'Flatten', input: ['features'], output: ['flat'] },
    { name: 'fc', opType: 'Gemm', input: ['flat', 'fc.w', 'fc.b'], output: ['logits'] },
    { name: 'softmax', opType: 'Softmax', input: ['logits'], output: ['probs'] },
  );
  const w = Float32Array.from({ length: 32 * 10 }, (_, i) => (i % 7) / 7 - 0.5);
  graph.initializer!.push(
    floatInitializer('fc.w', [32, 10], w),
    floatInitializer('fc.b', [10], new Float32Array(10)),
  );
  graph.output = [floatValueInfo('probs', ['N', 10])];
  return encodeOnnxModel(model);
}

describe('truncateGraph', () => {
  it('cuts a classifier off at the last max-pool, keeping the base outputs exactly', async () => {
    const full = withClassifier();
    expect(inspectVggGraph({ bytes: full }).hasClassifier).toBe(true);
    const probs = (await run(full)).probs!;
    expect(probs.dims).toEqual([1, 10]);

    const cut = truncateGraph({ bytes: full, outputTensor: 'block5_pool', outputName: 'features' });
    const inspection = inspectVggGraph({ bytes: cut });
    expect(inspection.hasClassifier).toBe(false);
    expect(inspection.outputNames).toEqual(['features']);
    const graph = decodeOnnxModel(cut).graph!;
    expect(graph.node!.map((n) => n.opType)).not.toContain('Gemm');
    expect(graph.initializer!.map((t) => t.name)).not.toContain('fc.w');
    expect(cut.byteLength).toBeLessThan(full.byteLength);

    const [a, b] = await Promise.all([run(micro.bytes), run(cut)]);
    expect(b.features!.dims).toEqual([1, 32, 1, 1]);
    expect(Array.from(b.features!.data as Float32Array)).toEqual(
      Array.from(a.features!.data as Float32Array),
    );
  });

  it('names the tensor when it is not in the graph', () => {
    expect(() => truncateGraph({ bytes: micro.bytes, outputTensor: 'block9_pool' })).toThrow(
      /no tensor "block9_pool"/,
    );
  });
});

describe('sliceAfterBlock', () => {
  it('returns a graph whose output is the full graph’s block output, with the spec updated', async () => {
    const { bytes, spec } = sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block: 3 });
    expect(spec).toMatchObject({
      id: 'vgg16-micro-random-s11-b3',
      arch: 'vgg16-micro-b3',
      outputName: 'block3_pool',
      outputChannels: 16,
      downsample: 8,
      minInputSize: 8,
      parameterCount: vggParameterCount(getVggArchitecture('vgg16-micro-b3')),
      sha256: sha256Hex(bytes),
    });
    expect(spec.blocks.map((b) => b.name)).toEqual(['block1', 'block2', 'block3']);

    const model = decodeOnnxModel(micro.bytes);
    model.graph!.output!.push(floatValueInfo('block3_pool'));
    const [full, sliced] = await Promise.all([run(encodeOnnxModel(model)), run(bytes)]);
    expect(sliced.block3_pool!.dims).toEqual([1, 16, 4, 4]);
    expect(Array.from(sliced.block3_pool!.data as Float32Array)).toEqual(
      Array.from(full.block3_pool!.data as Float32Array),
    );
  });

  it('refuses a block out of range', () => {
    try {
      sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block: 6 });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'INVALID_OPTION')).toBe(true);
      expect((error as Error).message).toBe('Block 6 is out of range for vgg16-micro-random-s11; use 1 … 5.');
    }
  });
});

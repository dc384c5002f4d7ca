import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { buildVggOnnx, type ConvWeights } from './build-vgg-onnx.ts';
import { decodeOnnxModel, int64ToNumber } from './onnx-model.ts';
import { sha256Hex } from './sha256.ts';
import { getVggArchitecture, vggConvLayers } from './vgg-architectures.ts';

async function run(
  bytes: Uint8Array,
  dims: number[],
  fill = (i: number) => Math.sin(i),
): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => fill(i));
  const outputs = await session.run({ input: new ort.Tensor('float32', data, dims) });
  await session.release();
  return outputs.features!;
}

describe('buildVggOnnx', () => {
  it('builds the VGG16 conv base with 13 convs and exactly 14,714,688 parameters', async () => {
    const { bytes, spec } = buildVggOnnx({ arch: 'vgg16', weights: { kind: 'random', seed: 42 } });
    expect(spec).toMatchObject({
      id: 'vgg16-random-s42',
      arch: 'vgg16',
      inputName: 'input',
      layout: 'nchw',
      normalization: 'caffe',
      outputName: 'features',
      outputChannels: 512,
      downsample: 32,
      minInputSize: 32,
      weights: 'random',
      seed: 42,
      parameterCount: 14_714_688,
    });
    expect(spec.blocks.map((b) => b.convs.length)).toEqual([2, 2, 3, 3, 3]);
    expect(spec.blocks[4]).toEqual({
      name: 'block5',
      convs: ['block5_conv1', 'block5_conv2', 'block5_conv3'],
      channels: 512,
      output: 'block5_pool',
    });
    expect(spec.sha256).toBe(sha256Hex(bytes));

    const graph = decodeOnnxModel(bytes).graph!;
    expect(graph.node!.filter((n) => n.opType === 'Conv')).toHaveLength(13);
    expect(graph.node!.filter((n) => n.opType === 'MaxPool').map((n) => n.output![0])).toEqual([
      'block1_pool',
      'block2_pool',
      'block3_pool',
      'block4_pool',
      'block5_pool',
    ]);
    const values = graph.initializer!.reduce((sum, t) => sum + t.rawData!.byteLength / 4, 0);
    expect(values).toBe(14_714_688);
    const input = graph.input![0]!.type!.tensorType!.shape!.dim!;
    expect(input.map((d) => d.dimParam || int64ToNumber(d.dimValue))).toEqual(['N', 3, 'H', 'W']);

    const out = await run(bytes, [1, 3, 32, 32]);
    expect(out.dims).toEqual([1, 512, 1, 1]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 7 } });
    const b = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 7 } });
    const c = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 8 } });
    expect(a.spec.sha256).toBe(b.spec.sha256);
    expect(a.spec.sha256).not.toBe(c.spec.sha256);
  });

  it('draws He-normal kernels (std sqrt(2 / fan_in)) and zero biases', () => {
    const { bytes } = buildVggOnnx({ arch: 'vgg16-b3', weights: { kind: 'random', seed: 1 } });
    const init = decodeOnnxModel(bytes).graph!.initializer!;
    const floats = (name: string) => {
      const raw = init.find((t) => t.name === name)!.rawData!;
      return new Float32Array(new Uint8Array(raw).buffer);
    };
    const kernel = floats('block3_conv2/kernel');
    const mean = kernel.reduce((a, b) => a + b, 0) / kernel.length;
    const std = Math.sqrt(kernel.reduce((a, b) => a + (b - mean) ** 2, 0) / kernel.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeCloseTo(Math.sqrt(2 / (9 * 256)), 3);
    expect(floats('block3_conv2/bias').every((v) => v === 0)).toBe(true);
  });

  it('runs the micro variant at 224×224 to [1, 32, 7, 7]', async () => {
    const { bytes, spec } = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 3 } });
    expect(spec.parameterCount).toBe(
      vggConvLayers(getVggArchitecture('vgg16-micro')).reduce(
        (s, c) => s + 9 * c.inChannels * c.outChannels + c.outChannels,
        0,
      ),
    );
    const out = await run(bytes, [1, 3, 224, 224]);
    expect(out.dims).toEqual([1, 32, 7, 7]);
    expect((out.data as Float32Array).some((v) => v > 0)).toBe(true);
  });

  it('computes conv, relu and max-pool as defined with provided weights', async () => {
    // One block, one conv 3→4: a kernel that copies input channel o % 3 plus bias o, so the pooled output
    // is max over each 2×2 window of relu(x[o % 3] + o).
    const arch = getVggArchitecture('vgg16-micro-b1');
    const layers = new Map<string, ConvWeights>();
    const conv1 = new Float32Array(4 * 3 * 9);
    for (let o = 0; o < 4; o++) conv1[(o * 3 + (o % 3)) * 9 + 4] = 1;
    layers.set('block1_conv1', { kernel: conv1, bias: Float32Array.from([0, 1, 2, 3]) });
    const conv2 = new Float32Array(4 * 4 * 9);
    for (let o = 0; o < 4; o++) conv2[(o * 4 + o) * 9 + 4] = 1;
    layers.set('block1_conv2', { kernel: conv2, bias: new Float32Array(4) });
    const { bytes, spec } = buildVggOnnx({
      arch,
      weights: { kind: 'provided', layers, source: 'imagenet' },
      normalization: 'torch',
    });
    expect(spec).toMatchObject({
      id: 'vgg16-micro-b1',
      weights: 'imagenet',
      normalization: 'torch',
      downsample: 2,
    });
    const x = (i: number) => (i % 7) - 3;
    const out = await run(bytes, [1, 3, 4, 4], x);
    expect(out.dims).toEqual([1, 4, 2, 2]);
    const expected: number[] = [];
    for (let o = 0; o < 4; o++) {
      for (let py = 0; py < 2; py++) {
        for (let px = 0; px < 2; px++) {
          let best = -Infinity;
          for (const [dy, dx] of [
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ] as const) {
            best = Math.max(best, Math.max(0, x((o % 3) * 16 + (py * 2 + dy) * 4 + px * 2 + dx) + o));
          }
          expected.push(best);
        }
      }
    }
    expect(Array.from(out.data as Float32Array)).toEqual(expected);
  });

  it('names the layer and shapes when provided weights do not fit', () => {
    const layers = new Map<string, ConvWeights>([
      ['block1_conv1', { kernel: new Float32Array(10), bias: new Float32Array(4) }],
    ]);
    try {
      buildVggOnnx({ arch: 'vgg16-micro-b1', weights: { kind: 'provided', layers, source: 'imagenet' } });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'BACKBONE_IO_MISMATCH')).toBe(true);
      expect((error as Error).message).toMatch(/block1_conv1.*\[4, 3, 3, 3\]/);
    }
    expect(() =>
      buildVggOnnx({
        arch: 'vgg16-micro-b1',
        weights: { kind: 'provided', layers: new Map(), source: 'imagenet' },
      }),
    ).toThrow(/lack layer "block1_conv1"/);
  });
});

import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildVggOnnx } from './build-vgg-onnx.ts';
import { importOnnxBackbone } from './import-onnx-backbone.ts';
import { inspectVggGraph } from './onnx-graph.ts';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  floatInitializer,
  floatValueInfo,
  intsAttr,
  type OnnxModel,
} from './onnx-model.ts';
import { sha256Hex } from './sha256.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 21 } });

async function run(
  bytes: Uint8Array,
  inputName: string,
  data: Float32Array,
  dims: number[],
): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const outputs = await session.run({ [inputName]: new ort.Tensor('float32', data, dims) });
  await session.release();
  return Object.values(outputs)[0]!;
}

/** Renames tensors throughout a model, as another exporter would have named them. */
function rename(model: OnnxModel, names: (name: string) => string): void {
  const graph = model.graph!;
  for (const node of graph.node!) {
    node.input = node.input!.map(names);
    node.output = node.output!.map(names);
  }
  for (const t of graph.initializer!) t.name = names(t.name!);
  for (const v of [...graph.input!, ...graph.output!]) v.name = names(v.name!);
}

function nchwToNhwc(data: Float32Array, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out[(y * w + x) * c + ch] = data[(ch * h + y) * w + x]!;
  return out;
}

describe('importOnnxBackbone', () => {
  it('imports a torchvision-style export with a classifier and a fixed input size', async () => {
    const model = decodeOnnxModel(micro.bytes);
    // torchvision names: input x, features.<i>.weight initializers, /features/... node names.
    let layer = 0;
    const convIndex = new Map<string, number>();
    for (const node of model.graph!.node!) if (node.opType === 'Conv') convIndex.set(node.name!, layer++ * 2);
    rename(model, (name) => {
      if (name === 'input') return 'x';
      const m = /^(block\d_conv\d)\/(kernel|bias)$/.exec(name);
      return m
        ? `features.${convIndex.get(m[1]!)}.${m[2] === 'kernel' ? 'weight' : 'bias'}`
        : name.replace(/^block/, '/features/block');
    });
    const graph = model.graph!;
    for (const node of graph.node!) node.name = `/features/${node.name}`;
    graph.input = [floatValueInfo('x', [1, 3, 64, 64])];
    graph.node!.push(
      {
        opType: 'AveragePool',
        input: ['features'],
        output: ['avg'],
        attribute: [intsAttr('kernel_shape', [1, 1])],
      },
      { opType: 'Flatten', input: ['avg'], output: ['flat'] },
      {
        opType: 'Gemm',
        input: ['flat', 'classifier.0.weight'],
        output: ['fc1'],
        attribute: [{ name: 'transB', type: 2, i: 1 }],
      },
      { opType: 'Relu', input: ['fc1'], output: ['fc1r'] },
      { opType: 'Dropout', input: ['fc1r'], output: ['logits'] },
    );
    graph.initializer!.push(floatInitializer('classifier.0.weight', [10, 128], new Float32Array(1280)));
    graph.output = [floatValueInfo('logits', [1, 10])];
    const bytes = encodeOnnxModel(model);
    expect(inspectVggGraph({ bytes }).trailingOps).toEqual([
      'Identity',
      'AveragePool',
      'Flatten',
      'Gemm',
      'Relu',
      'Dropout',
    ]);

    const imported = importOnnxBackbone({ bytes, name: 'torch-vgg', normalization: 'torch' });
    expect(imported.spec).toMatchObject({
      id: 'torch-vgg',
      arch: 'vgg16-micro',
      inputName: 'x',
      layout: 'nchw',
      normalization: 'torch',
      outputName: 'features',
      outputChannels: 32,
      downsample: 32,
      weights: 'imagenet',
      parameterCount: micro.spec.parameterCount,
      sha256: sha256Hex(imported.bytes),
    });
    expect(imported.spec.blocks[4]!.output).toBe('/features/block5_pool');
    expect(inspectVggGraph({ bytes: imported.bytes }).hasClassifier).toBe(false);

    // The fixed 64×64 of the export no longer binds: 96×96 runs and matches the original weights.
    const data = Float32Array.from({ length: 3 * 96 * 96 }, (_, i) => (i % 255) - 120);
    const [ours, theirs] = await Promise.all([
      run(micro.bytes, 'input', data, [2, 3, 48, 96]),
      run(imported.bytes, 'x', data, [2, 3, 48, 96]),
    ]);
    expect(theirs.dims).toEqual([2, 32, 1, 3]);
    expect(Array.from(theirs.data as Float32Array)).toEqual(Array.from(ours.data as Float32Array));
  });

  it('imports an NHWC Keras export (tf2onnx) and gives the same NCHW features', async () => {
    const model = decodeOnnxModel(micro.bytes);
    const graph = model.graph!;
    graph.input = [floatValueInfo('input_1', ['unk__7', 32, 32, 3])];
    graph.node!.unshift({
      opType: 'Transpose',
      input: ['input_1'],
      output: ['input'],
      attribute: [intsAttr('perm', [0, 3, 1, 2])],
    });
    graph.node!.push({
      opType: 'Transpose',
      input: ['features'],
      output: ['block5_pool_nhwc'],
      attribute: [intsAttr('perm', [0, 2, 3, 1])],
    });
    graph.output = [floatValueInfo('block5_pool_nhwc')];
    const imported = importOnnxBackbone({
      bytes: encodeOnnxModel(model),
      name: 'keras-vgg',
      normalization: 'caffe',
      weights: 'random',
    });
    expect(imported.spec).toMatchObject({
      inputName: 'input_1',
      layout: 'nhwc',
      weights: 'random',
      outputName: 'features',
    });

    const data = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i) * 100);
    const [ours, theirs] = await Promise.all([
      run(micro.bytes, 'input', data, [1, 3, 64, 64]),
      run(imported.bytes, 'input_1', nchwToNhwc(data, 3, 64, 64), [1, 64, 64, 3]),
    ]);
    expect(theirs.dims).toEqual([1, 32, 2, 2]);
    expect(Array.from(theirs.data as Float32Array)).toEqual(Array.from(ours.data as Float32Array));
  });

  it('refuses what is not a VGG conv base', () => {
    const model = decodeOnnxModel(micro.bytes);
    model.graph!.node = model.graph!.node!.filter((n) => n.opType !== 'MaxPool' || n.name !== 'block5_pool');
    model.graph!.node!.find((n) => n.name === 'features')!.input = ['block5_conv3'];
    expect(() =>
      importOnnxBackbone({
        bytes: encodeOnnxModel(model),
        name: 'x',
        normalization: 'caffe',
        source: 'odd.onnx',
      }),
    ).toThrow(/^odd\.onnx: ends with 3 Conv layers after the last MaxPool \(block4_pool\)/);
  });
});

import { describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { buildVggOnnx } from './build-vgg-onnx.ts';
import { inspectVggGraph } from './onnx-graph.ts';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  floatInitializer,
  floatValueInfo,
  intsAttr,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-model.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 5 } });

function conv(
  name: string,
  input: string,
  cin: number,
  cout: number,
): { nodes: OnnxNode[]; inits: OnnxTensor[] } {
  return {
    nodes: [
      {
        name,
        opType: 'Conv',
        input: [input, `${name}.w`, `${name}.b`],
        output: [`${name}.out`],
        attribute: [intsAttr('pads', [1, 1, 1, 1])],
      },
      { name: `${name}_relu`, opType: 'Relu', input: [`${name}.out`], output: [`${name}.relu`] },
    ],
    inits: [
      floatInitializer(`${name}.w`, [cout, cin, 3, 3], new Float32Array(cout * cin * 9)),
      floatInitializer(`${name}.b`, [cout], new Float32Array(cout)),
    ],
  };
}

function pool(name: string, input: string): OnnxNode {
  return {
    name,
    opType: 'MaxPool',
    input: [input],
    output: [name],
    attribute: [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])],
  };
}

function graphBytes(
  nodes: OnnxNode[],
  inits: OnnxTensor[],
  input: OnnxValueInfo,
  output: string,
): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ version: 17 }],
    graph: { node: nodes, initializer: inits, input: [input], output: [floatValueInfo(output)] },
  });
}

function expectInvalid(bytes: Uint8Array, pattern: RegExp): void {
  try {
    inspectVggGraph({ bytes, source: 'test.onnx' });
    expect.unreachable();
  } catch (error) {
    expect(isHeadstartError(error, 'BACKBONE_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^test\.onnx: /);
    expect((error as Error).message).toMatch(pattern);
  }
}

describe('inspectVggGraph', () => {
  it('reads the blocks of a built conv base', () => {
    const inspection = inspectVggGraph({ bytes: micro.bytes });
    expect(inspection).toMatchObject({
      inputName: 'input',
      layout: 'nchw',
      baseOutput: 'block5_pool',
      hasClassifier: false,
      trailingOps: ['Identity'],
      outputNames: ['features'],
      downsample: 32,
      parameterCount: micro.spec.parameterCount,
    });
    expect(inspection.blocks.map((b) => [b.name, b.convs.length, b.channels, b.output])).toEqual([
      ['block1', 2, 4, 'block1_pool'],
      ['block2', 2, 8, 'block2_pool'],
      ['block3', 3, 16, 'block3_pool'],
      ['block4', 3, 32, 'block4_pool'],
      ['block5', 3, 32, 'block5_pool'],
    ]);
    expect(inspection.blocks[2]!.convs[2]).toEqual({
      name: 'block3_conv3',
      nodeName: 'block3_conv3',
      weight: 'block3_conv3/kernel',
      bias: 'block3_conv3/bias',
      inChannels: 16,
      outChannels: 16,
    });
  });

  it('reports a classifier after the last max-pool', () => {
    const model = decodeOnnxModel(micro.bytes);
    const graph = model.graph!;
    graph.node!.push(
      { opType: 'Flatten', input: ['features'], output: ['flat'] },
      { opType: 'Gemm', input: ['flat', 'fc.w', 'fc.b'], output: ['logits'] },
      { opType: 'Softmax', input: ['logits'], output: ['probs'] },
    );
    graph.initializer!.push(
      floatInitializer('fc.w', [32, 10], new Float32Array(320)),
      floatInitializer('fc.b', [10], new Float32Array(10)),
    );
    graph.output = [floatValueInfo('probs')];
    const inspection = inspectVggGraph({ bytes: encodeOnnxModel(model) });
    expect(inspection.hasClassifier).toBe(true);
    expect(inspection.trailingOps).toEqual(['Identity', 'Flatten', 'Gemm', 'Softmax']);
    expect(inspection.baseOutput).toBe('block5_pool');
  });

  it('detects an NHWC input followed by a Transpose, as tf2onnx writes Keras models', () => {
    const model = decodeOnnxModel(micro.bytes);
    const graph = model.graph!;
    graph.input = [floatValueInfo('input_1', ['unk__1', 224, 224, 3])];
    graph.node!.unshift({
      name: 'transpose_in',
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
    const inspection = inspectVggGraph({ bytes: encodeOnnxModel(model) });
    expect(inspection).toMatchObject({
      inputName: 'input_1',
      layout: 'nhwc',
      hasClassifier: false,
      baseOutput: 'block5_pool',
    });
    expect(inspection.inputDims).toEqual(['unk__1', 224, 224, 3]);
    expect(inspection.blocks).toHaveLength(5);
  });

  it('reads conv kernels fed through a Transpose of an HWIO constant', () => {
    const kernel = {
      name: 'k_hwio',
      opType: 'Constant',
      output: ['k_hwio'],
      attribute: [{ name: 'value', type: 4, t: floatInitializer('', [3, 3, 3, 8], new Float32Array(216)) }],
    };
    const transpose = {
      opType: 'Transpose',
      input: ['k_hwio'],
      output: ['k'],
      attribute: [intsAttr('perm', [3, 2, 0, 1])],
    };
    const nodes: OnnxNode[] = [
      kernel,
      transpose,
      {
        name: 'c',
        opType: 'Conv',
        input: ['x', 'k'],
        output: ['y'],
        attribute: [intsAttr('pads', [1, 1, 1, 1])],
      },
      pool('p', 'y'),
    ];
    const inspection = inspectVggGraph({
      bytes: graphBytes(nodes, [], floatValueInfo('x', [1, 3, 8, 8]), 'p'),
    });
    expect(inspection.blocks[0]!.convs[0]).toMatchObject({ inChannels: 3, outChannels: 8, weight: 'k' });
    expect(inspection.parameterCount).toBe(216);
  });

  it('refuses a graph without a Conv', () => {
    const nodes: OnnxNode[] = [{ opType: 'Relu', input: ['x'], output: ['r'] }, pool('p', 'r')];
    expectInvalid(graphBytes(nodes, [], floatValueInfo('x', [1, 3, 8, 8]), 'p'), /no Conv node/);
  });

  it('refuses a residual Add between convs', () => {
    const a = conv('a', 'x', 3, 4);
    const b = conv('b', 'a.relu', 4, 4);
    const nodes = [
      ...a.nodes,
      ...b.nodes,
      { name: 'skip', opType: 'Add', input: ['a.relu', 'b.relu'], output: ['sum'] },
      pool('p', 'sum'),
    ];
    expectInvalid(
      graphBytes(nodes, [...a.inits, ...b.inits], floatValueInfo('x', [1, 3, 8, 8]), 'p'),
      /tensor "a\.relu" feeds "b" \(Conv\) and "skip" \(Add\), a residual connection; a VGG conv base is a single chain/,
    );
  });

  it('refuses a Concat and a graph without MaxPool', () => {
    const a = conv('a', 'x', 3, 4);
    const concat = [
      ...a.nodes,
      {
        name: 'cat',
        opType: 'Concat',
        input: ['a.relu'],
        output: ['c'],
        attribute: [{ name: 'axis', type: 2, i: 1 }],
      },
      pool('p', 'c'),
    ];
    expectInvalid(
      graphBytes(concat, a.inits, floatValueInfo('x', [1, 3, 8, 8]), 'p'),
      /"cat" \(Concat\) joins several tensors/,
    );
    expectInvalid(graphBytes(a.nodes, a.inits, floatValueInfo('x', [1, 3, 8, 8]), 'a.relu'), /no MaxPool/);
  });

  it('refuses a non-float input and an input without 3 channels', () => {
    const a = conv('a', 'xf', 3, 4);
    const nodes = [
      { opType: 'Cast', input: ['x'], output: ['xf'], attribute: [{ name: 'to', type: 2, i: 1 }] },
      ...a.nodes,
      pool('p', 'a.relu'),
    ];
    const uint8Input: OnnxValueInfo = {
      name: 'x',
      type: {
        tensorType: {
          elemType: 2,
          shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }, { dimValue: 8 }, { dimValue: 8 }] },
        },
      },
    };
    expectInvalid(
      graphBytes(nodes, a.inits, uint8Input, 'p'),
      /input "x" has element type 2; expected float32/,
    );
    const b = conv('b', 'x', 1, 4);
    expectInvalid(
      graphBytes([...b.nodes, pool('p', 'b.relu')], b.inits, floatValueInfo('x', [1, 1, 28, 28]), 'p'),
      /expected 3 channels/,
    );
  });

  it('refuses foreign ops inside the base and reports where', () => {
    const a = conv('a', 'x', 3, 4);
    const nodes = [
      ...a.nodes,
      { name: 'gap', opType: 'GlobalAveragePool', input: ['a.relu'], output: ['g'] },
      pool('p', 'g'),
    ];
    expectInvalid(
      graphBytes(nodes, a.inits, floatValueInfo('x', [1, 3, 8, 8]), 'p'),
      /"gap" \(GlobalAveragePool\) in block 1 is not part of a VGG conv base/,
    );
  });
});

import {
  floatInitializer,
  intsAttr,
  onnx,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from '../backbone/onnx-model.ts';
import type { Pooling } from '../features/pooling.ts';
import type { ConvBlockWeights } from '../finetune/conv-block-weights.ts';
import type { HeadWeights } from './head-weights.ts';

/** Nodes and initializers to append to a graph, and the tensor they end in. */
export interface GraphPart {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  output: string;
}

function intAttr(name: string, i: number): OnnxAttribute {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

/**
 * Conv (3×3, pads 1) + Relu per layer and a 2×2 stride-2 MaxPool per block, NCHW, reading `input`;
 * names start with `prefix` (`finetuned/block4_conv1/kernel`, …) so they cannot meet the frozen part's.
 */
export function convBlockNodes(options: {
  blocks: readonly ConvBlockWeights[];
  input: string;
  prefix: string;
}): GraphPart {
  const { blocks, prefix } = options;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let current = options.input;
  for (const block of blocks) {
    for (const conv of block.convs) {
      const name = `${prefix}${conv.name}`;
      initializers.push(
        floatInitializer(`${name}/kernel`, [conv.outChannels, conv.inChannels, 3, 3], conv.kernel),
        floatInitializer(`${name}/bias`, [conv.outChannels], conv.bias),
      );
      nodes.push(
        {
          name,
          opType: 'Conv',
          input: [current, `${name}/kernel`, `${name}/bias`],
          output: [`${name}/conv`],
          attribute: [
            intsAttr('kernel_shape', [3, 3]),
            intsAttr('pads', [1, 1, 1, 1]),
            intsAttr('strides', [1, 1]),
          ],
        },
        { name: `${name}_relu`, opType: 'Relu', input: [`${name}/conv`], output: [name] },
      );
      current = name;
    }
    const pool = `${prefix}${block.name}_pool`;
    nodes.push({
      name: pool,
      opType: 'MaxPool',
      input: [current],
      output: [pool],
      attribute: [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])],
    });
    current = pool;
  }
  return { nodes, initializers, output: current };
}

const ACTIVATION_OPS = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' } as const;

/**
 * Pooling of an NCHW map to rows (Flatten keeps C·H·W order, as the frozen path's `flatten` does), the
 * standardizer as Sub and Div, and the head as Gemm per Dense layer with its activation, the last one a
 * Softmax over classes whose output is `outputName`.
 */
export function headNodes(options: {
  input: string;
  pooling: Pooling;
  head: HeadWeights;
  prefix: string;
  outputName: string;
}): GraphPart {
  const { pooling, head, prefix, outputName } = options;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let current = options.input;
  const add = (
    opType: string,
    suffix: string,
    inputs: string[],
    attribute: OnnxAttribute[] = [],
    output = `${prefix}${suffix}`,
  ) => {
    nodes.push({ name: output, opType, input: [current, ...inputs], output: [output], attribute });
    current = output;
  };
  if (pooling === 'avg') add('GlobalAveragePool', 'pool', []);
  if (pooling === 'max') add('GlobalMaxPool', 'pool', []);
  add('Flatten', 'flatten', [], [intAttr('axis', 1)]);
  if (head.standardizer) {
    const { mean, std } = head.standardizer;
    initializers.push(
      floatInitializer(`${prefix}mean`, [mean.length], mean),
      floatInitializer(`${prefix}std`, [std.length], std),
    );
    add('Sub', 'centred', [`${prefix}mean`]);
    add('Div', 'standardized', [`${prefix}std`]);
  }
  head.layers.forEach((layer, i) => {
    const name = `${prefix}${layer.name}`;
    initializers.push(
      floatInitializer(`${name}/kernel`, [layer.inputs, layer.units], layer.kernel),
      floatInitializer(`${name}/bias`, [layer.units], layer.bias),
    );
    add('Gemm', `${layer.name}/gemm`, [`${name}/kernel`, `${name}/bias`]);
    const last = i === head.layers.length - 1;
    if (layer.activation === 'softmax')
      add('Softmax', `${layer.name}/softmax`, [], [intAttr('axis', 1)], last ? outputName : undefined);
    else if (layer.activation !== 'linear')
      add(ACTIVATION_OPS[layer.activation], `${layer.name}/${layer.activation}`, []);
  });
  return { nodes, initializers, output: current };
}

import { HeadstartError } from '../errors.ts';
import { createRandom, type Random } from '../random.ts';
import type { BackboneSpec, WeightsSource } from './backbone-spec.ts';
import {
  encodeOnnxModel,
  floatInitializer,
  floatValueInfo,
  intsAttr,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-model.ts';
import type { NormalizationMode } from './preprocess-spec.ts';
import { sha256Hex } from './sha256.ts';
import {
  backboneId,
  getVggArchitecture,
  vggParameterCount,
  type VggArchitecture,
  type VggConvLayer,
} from './vgg-architectures.ts';

/** One conv layer's weights: kernel in ONNX's OIHW order ([out, in, 3, 3]) and bias [out]. */
export interface ConvWeights {
  kernel: Float32Array;
  bias: Float32Array;
}

/** Where a built graph's weights come from. */
export type VggWeights =
  /** He-normal kernels (std = sqrt(2 / (9 · in))) and zero biases, drawn from createRandom(seed). */
  | { kind: 'random'; seed: number }
  /** Given per conv layer name (`block1_conv1`, …); `source` is recorded in the spec. */
  | { kind: 'provided'; layers: Map<string, ConvWeights>; source: WeightsSource };

export interface BuildVggOnnxOptions {
  /** An architecture or its id (`vgg16`, `vgg16-micro`, …). */
  arch: VggArchitecture | string;
  weights: VggWeights;
  /** Preprocessing the weights expect; Keras ImageNet weights want `caffe` (the default). */
  normalization?: NormalizationMode;
  /** Spec id; defaults to backboneId() of the architecture and weights. */
  id?: string;
}

/** Name of the graph input of built backbones, NCHW float32 [N, 3, H, W]. */
export const BACKBONE_INPUT_NAME = 'input';
/** Name of the graph output of built backbones: the last block's pooled feature map. */
export const BACKBONE_OUTPUT_NAME = 'features';

const OPSET = 17;
const IR_VERSION = 8;

function heNormal(layer: VggConvLayer, random: Random): ConvWeights {
  const size = layer.outChannels * layer.inChannels * 9;
  const std = Math.sqrt(2 / (9 * layer.inChannels));
  const kernel = new Float32Array(size);
  for (let i = 0; i < size; i++) kernel[i] = random.normal() * std;
  return { kernel, bias: new Float32Array(layer.outChannels) };
}

function providedWeights(layer: VggConvLayer, layers: Map<string, ConvWeights>, archId: string): ConvWeights {
  const w = layers.get(layer.name);
  if (!w) {
    throw new HeadstartError('BACKBONE_IO_MISMATCH', `Weights for ${archId} lack layer "${layer.name}".`);
  }
  const kernelSize = layer.outChannels * layer.inChannels * 9;
  if (w.kernel.length !== kernelSize || w.bias.length !== layer.outChannels) {
    throw new HeadstartError(
      'BACKBONE_IO_MISMATCH',
      `Layer "${layer.name}" of ${archId} has ${w.kernel.length} kernel and ${w.bias.length} bias values; ` +
        `expected [${layer.outChannels}, ${layer.inChannels}, 3, 3] = ${kernelSize} and ${layer.outChannels}.`,
    );
  }
  return w;
}

function convNodes(layer: VggConvLayer, input: string): OnnxNode[] {
  return [
    {
      name: layer.name,
      opType: 'Conv',
      input: [input, `${layer.name}/kernel`, `${layer.name}/bias`],
      output: [`${layer.name}/conv`],
      attribute: [
        intsAttr('kernel_shape', [3, 3]),
        intsAttr('pads', [1, 1, 1, 1]),
        intsAttr('strides', [1, 1]),
      ],
    },
    { name: `${layer.name}_relu`, opType: 'Relu', input: [`${layer.name}/conv`], output: [layer.name] },
  ];
}

/**
 * Builds a VGG conv base as an ONNX graph (opset 17): input `input` float32 NCHW [N, 3, H, W] with symbolic
 * N, H and W; per conv a 3×3 Conv (pads 1) and Relu whose output is the layer name; per block a 2×2
 * stride-2 MaxPool producing `block{b}_pool`; output `features`, an Identity of the last pool. Weights are
 * raw-data initializers `<layer>/kernel` (OIHW) and `<layer>/bias`.
 */
export function buildVggOnnx(options: BuildVggOnnxOptions): { bytes: Uint8Array; spec: BackboneSpec } {
  const arch = typeof options.arch === 'string' ? getVggArchitecture(options.arch) : options.arch;
  const { weights } = options;
  const normalization = options.normalization ?? 'caffe';
  let weightsOf: (layer: VggConvLayer) => ConvWeights;
  if (weights.kind === 'random') {
    // One generator across all layers, in graph order, so a seed fixes every weight.
    const random = createRandom(weights.seed);
    weightsOf = (layer) => heNormal(layer, random);
  } else {
    const { layers } = weights;
    weightsOf = (layer) => providedWeights(layer, layers, arch.id);
  }

  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let current = BACKBONE_INPUT_NAME;
  for (const block of arch.blocks) {
    for (const layer of block.convs) {
      const w = weightsOf(layer);
      initializers.push(
        floatInitializer(`${layer.name}/kernel`, [layer.outChannels, layer.inChannels, 3, 3], w.kernel),
        floatInitializer(`${layer.name}/bias`, [layer.outChannels], w.bias),
      );
      nodes.push(...convNodes(layer, current));
      current = layer.name;
    }
    nodes.push({
      name: block.poolOutput,
      opType: 'MaxPool',
      input: [current],
      output: [block.poolOutput],
      attribute: [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])],
    });
    current = block.poolOutput;
  }
  nodes.push({
    name: BACKBONE_OUTPUT_NAME,
    opType: 'Identity',
    input: [current],
    output: [BACKBONE_OUTPUT_NAME],
  });

  const last = arch.blocks[arch.blocks.length - 1];
  if (!last) throw new HeadstartError('INVALID_OPTION', `Architecture "${arch.id}" has no blocks.`);
  const bytes = encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'headstart',
    graph: {
      name: arch.id,
      node: nodes,
      initializer: initializers,
      input: [floatValueInfo(BACKBONE_INPUT_NAME, ['N', 3, 'H', 'W'])],
      output: [floatValueInfo(BACKBONE_OUTPUT_NAME, ['N', last.channels, 'H_out', 'W_out'])],
    },
  });

  const source: WeightsSource = weights.kind === 'random' ? 'random' : weights.source;
  const seed = weights.kind === 'random' ? weights.seed : undefined;
  const downsample = 2 ** arch.blocks.length;
  const spec: BackboneSpec = {
    id: options.id ?? backboneId({ arch: arch.id, weights: source, seed }),
    arch: arch.id,
    inputName: BACKBONE_INPUT_NAME,
    layout: 'nchw',
    normalization,
    blocks: arch.blocks.map((b) => ({
      name: b.name,
      convs: b.convs.map((c) => c.name),
      channels: b.channels,
      output: b.poolOutput,
    })),
    outputName: BACKBONE_OUTPUT_NAME,
    outputChannels: last.channels,
    downsample,
    minInputSize: downsample,
    weights: source,
    ...(seed === undefined ? {} : { seed }),
    parameterCount: vggParameterCount(arch),
    sha256: sha256Hex(bytes),
  };
  return { bytes, spec };
}

import { inspectVggGraph } from '../backbone/onnx-graph.ts';
import {
  ONNX_FLOAT,
  decodeOnnxModel,
  int64ToNumber,
  type OnnxGraph,
  type OnnxModel,
  type OnnxTensor,
} from '../backbone/onnx-model.ts';
import { HeadstartError } from '../errors.ts';
import type { ConvBlockWeights } from './conv-block-weights.ts';

function fail(source: string, detail: string): never {
  throw new HeadstartError('BACKBONE_INVALID', `${source}: ${detail}`);
}

/** The constant tensor behind `name`: an initializer, a Constant node, or either behind Identity nodes. */
function findConstant(graph: OnnxGraph, name: string): OnnxTensor | undefined {
  const initializer = (graph.initializer ?? []).find((t) => t.name === name);
  if (initializer) return initializer;
  const producer = (graph.node ?? []).find((n) => (n.output ?? []).includes(name));
  if (producer?.opType === 'Identity' && producer.input?.[0]) return findConstant(graph, producer.input[0]);
  if (producer?.opType === 'Constant')
    return (producer.attribute ?? []).find((a) => a.name === 'value')?.t ?? undefined;
  return undefined;
}

/** A float32 tensor's values, copied into an aligned array of their own. */
export function readFloatTensor(tensor: OnnxTensor, source: string): { dims: number[]; data: Float32Array } {
  const dims = (tensor.dims ?? []).map((d) => int64ToNumber(d));
  const size = dims.reduce((a, b) => a * b, 1);
  if (tensor.dataType !== ONNX_FLOAT) {
    fail(
      source,
      `tensor "${tensor.name}" has element type ${tensor.dataType}; conv weights must be float32 (1).`,
    );
  }
  let data: Float32Array;
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    if (tensor.rawData.byteLength !== size * 4) {
      fail(
        source,
        `tensor "${tensor.name}" holds ${tensor.rawData.byteLength} bytes; [${dims.join(', ')}] needs ${size * 4}.`,
      );
    }
    data = new Float32Array(size);
    // ONNX raw data is little-endian, as every platform Headstart runs on.
    new Uint8Array(data.buffer).set(tensor.rawData);
  } else if (tensor.floatData && tensor.floatData.length === size) {
    data = Float32Array.from(tensor.floatData);
  } else {
    fail(
      source,
      `tensor "${tensor.name}" has no inline data of [${dims.join(', ')}] (external data is not supported).`,
    );
  }
  return { dims, data };
}

/**
 * Reads the conv weights of blocks `fromBlock` … last from a VGG conv-base graph (as inspectVggGraph sees
 * it): per conv the OIHW kernel and the bias (zeros when the Conv has none). These are the initial weights
 * of the blocks that partial and full fine-tuning retrain.
 */
export function readConvBlockWeights(options: {
  bytes?: Uint8Array;
  model?: OnnxModel;
  fromBlock: number;
  source?: string;
}): ConvBlockWeights[] {
  const source = options.source ?? 'The ONNX graph';
  const model = options.model ?? (options.bytes ? decodeOnnxModel(options.bytes, source) : undefined);
  if (!model) throw new HeadstartError('INTERNAL', 'readConvBlockWeights needs bytes or a model.');
  const inspection = inspectVggGraph({ model, source });
  const { fromBlock } = options;
  const count = inspection.blocks.length;
  if (!Number.isInteger(fromBlock) || fromBlock < 1 || fromBlock > count) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Block ${fromBlock} is out of range for ${source}; use 1 … ${count}.`,
    );
  }
  const graph = model.graph ?? {};
  return inspection.blocks.slice(fromBlock - 1).map((block) => ({
    name: block.name,
    convs: block.convs.map((conv) => {
      const kernelTensor =
        findConstant(graph, conv.weight) ??
        fail(source, `conv ${conv.name} has no constant kernel "${conv.weight}".`);
      const kernel = readFloatTensor(kernelTensor, source);
      if (kernel.dims.join(',') !== `${conv.outChannels},${conv.inChannels},3,3`) {
        fail(
          source,
          `conv ${conv.name} has a [${kernel.dims.join(', ')}] kernel; fine-tuning rebuilds 3×3 VGG convs only.`,
        );
      }
      let bias: Float32Array = new Float32Array(conv.outChannels);
      if (conv.bias) {
        const biasTensor =
          findConstant(graph, conv.bias) ??
          fail(source, `conv ${conv.name} has no constant bias "${conv.bias}".`);
        bias = readFloatTensor(biasTensor, source).data;
        if (bias.length !== conv.outChannels)
          fail(source, `conv ${conv.name} has ${bias.length} biases for ${conv.outChannels} channels.`);
      }
      return {
        name: conv.name,
        inChannels: conv.inChannels,
        outChannels: conv.outChannels,
        kernel: kernel.data,
        bias,
      };
    }),
  }));
}

import { HeadstartError } from '../errors.ts';
import {
  ONNX_FLOAT,
  decodeOnnxModel,
  describeNode,
  intsAttribute,
  valueDims,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
} from './onnx-model.ts';
import type { TensorLayout } from './preprocess-spec.ts';
import { createGraphIndex, type GraphIndex } from './graph-index.ts';

/** A conv layer found in a graph. */
export interface InspectedConv {
  /** Position-based name, `block{b}_conv{i}`, whatever the node is called. */
  name: string;
  /** The node's own name (may be empty). */
  nodeName: string;
  /** Tensor holding the kernel (an initializer in most exports). */
  weight: string;
  bias?: string;
  inChannels: number;
  outChannels: number;
}

/** A block found in a graph: convs up to a MaxPool. */
export interface InspectedBlock {
  /** `block1` … `blockN`. */
  name: string;
  convs: InspectedConv[];
  channels: number;
  /** Output tensor of the block's MaxPool. */
  output: string;
}

/** What inspectVggGraph learns about a graph. */
export interface VggGraphInspection {
  inputName: string;
  /** Layout of the input; the conv base itself (and so its pooled output) is always NCHW. */
  layout: TensorLayout;
  inputDims: (number | string | undefined)[];
  blocks: InspectedBlock[];
  /** Output tensor of the last MaxPool: where the conv base ends. */
  baseOutput: string;
  /** True when nodes other than layout ops (Transpose, Identity) follow the last MaxPool. */
  hasClassifier: boolean;
  /** Op types of the nodes after the last MaxPool, in graph order, without repeats. */
  trailingOps: string[];
  /** Graph output names. */
  outputNames: string[];
  /** Spatial reduction of the base: product of its conv and pool strides. */
  downsample: number;
  /** Sizes of the constant tensors feeding the base (conv kernels and biases, batch-norm terms). */
  parameterCount: number;
}

/** Ops that only move or relabel data; they may appear anywhere in a conv base. */
const PASS_THROUGH = new Set(['Relu', 'Transpose', 'Identity', 'Cast', 'BatchNormalization', 'Dropout']);
/** Ops combining a tensor with a constant (a separate bias or scale) — but never two computed tensors. */
const CONSTANT_BINARY = new Set(['Add', 'Sub', 'Mul', 'Div']);
const LAYOUT_ONLY = new Set(['Transpose', 'Identity', 'Cast']);
/** Ops that merge a branch back, as residual and inception-style networks do. */
const JOINING_OPS = new Set(['Add', 'Sum', 'Concat', 'Mul']);

function fail(source: string, detail: string): never {
  throw new HeadstartError('BACKBONE_INVALID', `${source}: ${detail}`);
}

function detectInput(graph: OnnxGraph, index: GraphIndex, source: string) {
  const inputs = (graph.input ?? []).filter((v) => !index.isConstant(v.name ?? ''));
  if (inputs.length !== 1) {
    fail(
      source,
      `has ${inputs.length} inputs (${inputs.map((v) => v.name).join(', ')}); a VGG backbone takes one image tensor.`,
    );
  }
  const input = inputs[0]!;
  const name = input.name ?? '';
  const elemType = input.type?.tensorType?.elemType;
  if (elemType !== ONNX_FLOAT) {
    fail(source, `input "${name}" has element type ${elemType ?? 'unknown'}; expected float32 (1).`);
  }
  const dims = valueDims(input) ?? [undefined, undefined, undefined, undefined];
  if (dims.length !== 4)
    fail(source, `input "${name}" has rank ${dims.length}; expected [N, 3, H, W] or [N, H, W, 3].`);
  const first = index.singleConsumer(name);
  const perm = first?.opType === 'Transpose' ? intsAttribute(first, 'perm') : undefined;
  const startsWithNhwcTranspose = perm?.join(',') === '0,3,1,2';
  let layout: TensorLayout;
  if (dims[1] === 3 && dims[3] !== 3) layout = 'nchw';
  else if (dims[3] === 3 && dims[1] !== 3) layout = 'nhwc';
  else if (typeof dims[1] === 'number' && typeof dims[3] === 'number' && dims[1] !== 3 && dims[3] !== 3) {
    fail(
      source,
      `input "${name}" has shape [${dims.join(', ')}]; expected 3 channels, [N, 3, H, W] or [N, H, W, 3].`,
    );
  } else layout = startsWithNhwcTranspose ? 'nhwc' : 'nchw';
  return { name, dims, layout };
}

/**
 * Reads an ONNX graph as a VGG-style conv base: one float image input (NCHW, or NHWC followed by a
 * Transpose as tf2onnx writes Keras models), then blocks of Conv (+Relu) ending in a MaxPool, optionally
 * followed by a classifier. Refuses with BACKBONE_INVALID what is not such a base: no Conv, no MaxPool,
 * residual Add or Concat, branches, ops other than Conv/Relu/MaxPool (and layout ops) inside the base.
 */
export function inspectVggGraph(
  options: { bytes: Uint8Array; source?: string } | { model: OnnxModel; source?: string },
): VggGraphInspection {
  const source = options.source ?? 'The ONNX graph';
  const model = 'model' in options ? options.model : decodeOnnxModel(options.bytes, source);
  const graph = model.graph ?? {};
  const nodes = graph.node ?? [];
  if (!nodes.some((n) => n.opType === 'Conv')) {
    fail(
      source,
      'has no Conv node; expected a VGG-style conv base (blocks of Conv and Relu ending in MaxPool).',
    );
  }
  const index = createGraphIndex(graph);
  const input = detectInput(graph, index, source);

  const blocks: InspectedBlock[] = [];
  let convs: InspectedConv[] = [];
  let sawTranspose = false;
  let downsample = 1;
  let parameterCount = 0;
  let tensor = input.name;
  for (;;) {
    const consumers = index.consumers(tensor);
    if (consumers.length === 0) break;
    if (consumers.length > 1) {
      const joins = consumers.some((n) => JOINING_OPS.has(n.opType ?? ''));
      fail(
        source,
        `tensor "${tensor}" feeds ${consumers.map(describeNode).join(' and ')}` +
          `${joins ? ', a residual connection' : ''}; a VGG conv base is a single chain of Conv, Relu and MaxPool.`,
      );
    }
    const node = consumers[0]!;
    const op = node.opType ?? '';
    parameterCount += index.constantInputSize(node);
    if (op === 'Conv') {
      if (input.layout === 'nhwc' && !sawTranspose) {
        fail(
          source,
          `input "${input.name}" is NHWC but no Transpose to NCHW precedes Conv ${describeNode(node)}.`,
        );
      }
      convs.push(readConv(node, index, source, blocks.length + 1, convs.length + 1));
      downsample *= heightStride(node);
    } else if (op === 'MaxPool') {
      if (convs.length === 0)
        fail(source, `MaxPool ${describeNode(node)} has no Conv before it in block ${blocks.length + 1}.`);
      const output = node.output?.[0] ?? '';
      blocks.push({
        name: `block${blocks.length + 1}`,
        convs,
        channels: convs[convs.length - 1]!.outChannels,
        output,
      });
      convs = [];
      downsample *= heightStride(node);
      if (!leadsToConv(output, index)) break;
    } else if (CONSTANT_BINARY.has(op)) {
      const dynamic = (node.input ?? []).filter((name) => name && !index.isConstant(name));
      if (dynamic.length > 1) {
        fail(
          source,
          `${describeNode(node)} joins two computed tensors ("${dynamic.join('", "')}"); a VGG conv base has no residual connections.`,
        );
      }
    } else if (op === 'Concat' || op === 'Sum') {
      fail(source, `${describeNode(node)} joins several tensors; a VGG conv base has no branches.`);
    } else if (op === 'Transpose') {
      sawTranspose = true;
    } else if (!PASS_THROUGH.has(op)) {
      const where =
        blocks.length === 0 && convs.length === 0 ? 'before the first Conv' : `in block ${blocks.length + 1}`;
      fail(source, `${describeNode(node)} ${where} is not part of a VGG conv base (Conv, Relu and MaxPool).`);
    }
    tensor = node.output?.[0] ?? '';
  }
  if (blocks.length === 0)
    fail(source, 'has no MaxPool after its convs; expected blocks of Conv and Relu ending in MaxPool.');
  if (convs.length > 0) {
    fail(
      source,
      `ends with ${convs.length} Conv layers after the last MaxPool (${blocks[blocks.length - 1]!.output}); a VGG conv base ends each block with a MaxPool.`,
    );
  }
  const baseOutput = blocks[blocks.length - 1]!.output;
  const trailing = index.downstreamNodes(baseOutput);
  const trailingOps = [...new Set(trailing.map((n) => n.opType ?? ''))];
  return {
    inputName: input.name,
    layout: input.layout,
    inputDims: input.dims,
    blocks,
    baseOutput,
    hasClassifier: trailingOps.some((op) => !LAYOUT_ONLY.has(op)),
    trailingOps,
    outputNames: (graph.output ?? []).map((o) => o.name ?? ''),
    downsample,
    parameterCount,
  };
}

/** Vertical stride of a Conv or MaxPool (1 when absent); VGG strides are square. */
function heightStride(node: OnnxNode): number {
  return intsAttribute(node, 'strides')?.[0] ?? 1;
}

function readConv(
  node: OnnxNode,
  index: GraphIndex,
  source: string,
  block: number,
  position: number,
): InspectedConv {
  const [, weight, bias] = node.input ?? [];
  const dims = weight ? index.constantDims(weight) : undefined;
  if (!weight || !dims || dims.length !== 4) {
    fail(
      source,
      `Conv ${describeNode(node)} has no constant 4-D kernel; expected weights stored in the graph.`,
    );
  }
  const group = intsAttribute(node, 'group')?.[0] ?? 1;
  if (group !== 1) fail(source, `Conv ${describeNode(node)} is grouped (group ${group}); VGG convs are not.`);
  return {
    name: `block${block}_conv${position}`,
    nodeName: node.name ?? '',
    weight,
    ...(bias ? { bias } : {}),
    inChannels: dims[1]!,
    outChannels: dims[0]!,
  };
}

/** True when `tensor` flows, through pass-through ops only and without branching, into a Conv. */
function leadsToConv(tensor: string, index: GraphIndex): boolean {
  let current = tensor;
  for (;;) {
    const consumers = index.consumers(current);
    if (consumers.length !== 1) return false;
    const node = consumers[0]!;
    if (node.opType === 'Conv') return true;
    if (!PASS_THROUGH.has(node.opType ?? '')) return false;
    current = node.output?.[0] ?? '';
  }
}

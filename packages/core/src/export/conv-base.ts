import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { BACKBONE_INPUT_NAME } from '../backbone/build-vgg-onnx.ts';
import {
  decodeOnnxModel,
  floatValueInfo,
  intsAttr,
  type OnnxModel,
  type OnnxNode,
} from '../backbone/onnx-model.ts';
import { truncateModel } from '../backbone/truncate-graph.ts';
import { HeadstartError } from '../errors.ts';
import { blockIndex, type ConvBlockWeights } from '../finetune/conv-block-weights.ts';
import { convBlockNodes, type GraphPart } from './onnx-nodes.ts';

/** Prefix of the tensors of retrained blocks in exported graphs. */
export const FINETUNED_PREFIX = 'finetuned/';

export interface ConvBaseOptions {
  /**
   * The backbone graph and spec: for scenario 1 the conv base the features came from; for partial a
   * graph holding at least the frozen blocks (it is cut after the block before the first retrained one).
   * Optional when the retrained blocks start at block 1 (scratch, full); its layout then sets the input's.
   */
  backbone?: { bytes: Uint8Array; spec: BackboneSpec };
  /** Retrained blocks, in order, from `block<k>` on. */
  blocks?: readonly ConvBlockWeights[];
}

/** A conv base as a decoded model whose only output is `output`, an NCHW map. */
export interface ConvBase {
  model: OnnxModel;
  output: string;
  outputChannels: number;
}

const OPSET = 17;
const IR_VERSION = 8;

/** A graph of just an image input, NCHW, or NHWC followed by a Transpose to NCHW. */
function imageInputModel(layout: 'nchw' | 'nhwc'): { model: OnnxModel; output: string } {
  const nodes: OnnxNode[] = [];
  let output = BACKBONE_INPUT_NAME;
  if (layout === 'nhwc') {
    output = `${FINETUNED_PREFIX}input_nchw`;
    nodes.push({
      name: output,
      opType: 'Transpose',
      input: [BACKBONE_INPUT_NAME],
      output: [output],
      attribute: [intsAttr('perm', [0, 3, 1, 2])],
    });
  }
  const dims = layout === 'nhwc' ? ['N', 'H', 'W', 3] : ['N', 3, 'H', 'W'];
  const model = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'headstart',
    graph: {
      name: 'finetuned',
      node: nodes,
      initializer: [],
      input: [floatValueInfo(BACKBONE_INPUT_NAME, dims)],
      output: [],
    },
  } as unknown as OnnxModel;
  return { model, output };
}

/** Appends `part` to the model's graph, refusing names the graph already uses. */
export function appendPart(model: OnnxModel, part: GraphPart): void {
  const graph = model.graph!;
  const taken = new Set([
    ...(graph.node ?? []).flatMap((n) => [...(n.output ?? []), n.name ?? '']),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
    ...(graph.input ?? []).map((v) => v.name ?? ''),
  ]);
  const clash = [
    ...part.nodes.flatMap((n) => n.output ?? []),
    ...part.initializers.map((t) => t.name ?? ''),
  ].find((n) => taken.has(n));
  if (clash)
    throw new HeadstartError(
      'BACKBONE_INVALID',
      `The backbone graph already has a tensor "${clash}"; it cannot take the exported layers.`,
    );
  graph.node = [...(graph.node ?? []), ...part.nodes];
  graph.initializer = [...(graph.initializer ?? []), ...part.initializers];
}

/**
 * The conv base of a trained model as one ONNX graph: the backbone cut where its frozen part ends, then
 * the retrained blocks as Conv/Relu/MaxPool with their trained weights; or the backbone alone (scenario
 * 1); or the blocks alone behind an image input (scratch, full).
 */
export function buildConvBase(options: ConvBaseOptions): ConvBase {
  const { backbone } = options;
  const blocks = options.blocks ?? [];
  const first = blocks[0];
  const from = first ? blockIndex(first.name) : undefined;
  let model: OnnxModel;
  let output: string;
  let channels: number;
  if (from === undefined || from > 1) {
    if (!backbone)
      throw new HeadstartError(
        'INVALID_OPTION',
        `Exporting ${first ? `blocks from ${first.name}` : 'a head'} needs the backbone graph it was trained on.`,
      );
    const { spec } = backbone;
    const frozenBlocks = from === undefined ? spec.blocks.length : from - 1;
    const last = spec.blocks[frozenBlocks - 1];
    if (!last || frozenBlocks > spec.blocks.length) {
      throw new HeadstartError(
        'BACKBONE_IO_MISMATCH',
        `${spec.id} has ${spec.blocks.length} blocks; the model needs ${frozenBlocks} frozen ones.`,
      );
    }
    model = decodeOnnxModel(backbone.bytes, spec.id);
    output = from === undefined ? spec.outputName : last.output;
    truncateModel(model, output, output, spec.id);
    channels = from === undefined ? spec.outputChannels : last.channels;
  } else {
    ({ model, output } = imageInputModel(backbone?.spec.layout ?? 'nchw'));
    channels = 3;
  }
  if (first) {
    const inChannels = first.convs[0]?.inChannels;
    if (inChannels !== channels) {
      throw new HeadstartError(
        'BACKBONE_IO_MISMATCH',
        `Block ${first.name} reads ${inChannels} channels but the frozen part gives ${channels}.`,
      );
    }
    const part = convBlockNodes({ blocks, input: output, prefix: FINETUNED_PREFIX });
    appendPart(model, part);
    output = part.output;
    channels = blocks[blocks.length - 1]?.convs.at(-1)?.outChannels ?? channels;
  }
  return { model, output, outputChannels: channels };
}

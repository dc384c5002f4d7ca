import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { inspectVggGraph } from '../backbone/onnx-graph.ts';
import { encodeOnnxModel, floatValueInfo } from '../backbone/onnx-model.ts';
import { sha256Hex } from '../backbone/sha256.ts';
import { BACKBONE_OUTPUT_NAME } from '../backbone/build-vgg-onnx.ts';
import { HeadstartError } from '../errors.ts';
import type { Pooling } from '../features/pooling.ts';
import type { HeadModel } from '../head/predict-head.ts';
import { appendPart, buildConvBase, type ConvBaseOptions } from './conv-base.ts';
import { readHeadWeights, type HeadWeights } from './head-weights.ts';
import { headNodes } from './onnx-nodes.ts';

/** Name of the output of exported classifiers: softmax probabilities [N, classes]. */
export const PROBABILITIES_OUTPUT = 'probabilities';
/** Prefix of the head's tensors in exported graphs. */
export const HEAD_PREFIX = 'head/';

export interface ExportOnnxOptions extends ConvBaseOptions {
  pooling: Pooling;
  /** The trained head (and its standardizer), as a tf.js model or already read with readHeadWeights. */
  head: HeadModel | HeadWeights;
}

export interface ExportedOnnx {
  bytes: Uint8Array;
  /** `input`: preprocessed images in the backbone's layout. */
  inputName: string;
  outputName: string;
  numClasses: number;
  sha256: string;
}

/**
 * One ONNX graph for serving a trained classifier without tf.js: the frozen backbone blocks, the
 * retrained blocks with their trained weights, pooling, the standardizer (Sub, Div) and the head (Gemm
 * with Relu/Sigmoid/Tanh, then Softmax), from preprocessed images to `probabilities`. For scenario-1
 * bundles (no retrained blocks) it is the backbone with the head appended.
 */
export function exportOnnx(options: ExportOnnxOptions): ExportedOnnx {
  const head = 'layers' in options.head ? options.head : readHeadWeights(options.head);
  const base = buildConvBase(options);
  const inputs = head.layers[0]?.inputs ?? 0;
  const fits =
    options.pooling === 'flatten' ? inputs % base.outputChannels === 0 : inputs === base.outputChannels;
  if (!fits) {
    throw new HeadstartError(
      'BUNDLE_BACKBONE_MISMATCH',
      `The head takes ${inputs} features but ${options.pooling} pooling of the conv base's ${base.outputChannels} channels cannot give that many.`,
    );
  }
  const part = headNodes({
    input: base.output,
    pooling: options.pooling,
    head,
    prefix: HEAD_PREFIX,
    outputName: PROBABILITIES_OUTPUT,
  });
  appendPart(base.model, part);
  const numClasses = head.layers[head.layers.length - 1]?.units ?? 0;
  const graph = base.model.graph!;
  graph.output = [floatValueInfo(PROBABILITIES_OUTPUT, ['N', numClasses])];
  graph.valueInfo = [];
  const bytes = encodeOnnxModel(base.model);
  const inputName = (graph.input ?? [])[0]?.name ?? 'input';
  return { bytes, inputName, outputName: PROBABILITIES_OUTPUT, numClasses, sha256: sha256Hex(bytes) };
}

/**
 * The conv base of a fine-tuned model alone, frozen and retrained blocks in one graph whose output is
 * `features`, with its spec: a plain VGG backbone, so the scenario-1 serving path (ORT features, tf.js
 * head) runs fine-tuned bundles unchanged. The id gets `-ft-<first 8 hex of the sha256>`.
 */
export function mergeConvBlocks(options: ConvBaseOptions & { id?: string }): {
  bytes: Uint8Array;
  spec: BackboneSpec;
} {
  const base = buildConvBase(options);
  const graph = base.model.graph!;
  graph.node = [
    ...(graph.node ?? []),
    { name: BACKBONE_OUTPUT_NAME, opType: 'Identity', input: [base.output], output: [BACKBONE_OUTPUT_NAME] },
  ];
  graph.output = [floatValueInfo(BACKBONE_OUTPUT_NAME, ['N', base.outputChannels, 'H_out', 'W_out'])];
  graph.valueInfo = [];
  const bytes = encodeOnnxModel(base.model);
  const sha256 = sha256Hex(bytes);
  const inspection = inspectVggGraph({ bytes, source: 'The fine-tuned conv base' });
  const original = options.backbone?.spec;
  const blocks = inspection.blocks.map((b) => ({
    name: b.name,
    convs: b.convs.map((c) => c.name),
    channels: b.channels,
    output: b.output,
  }));
  const spec: BackboneSpec = {
    id: options.id ?? `${original?.id ?? 'vgg'}-ft-${sha256.slice(0, 8)}`,
    arch: original?.arch ?? 'custom',
    inputName: inspection.inputName,
    layout: inspection.layout,
    normalization: original?.normalization ?? 'caffe',
    blocks,
    outputName: BACKBONE_OUTPUT_NAME,
    outputChannels: base.outputChannels,
    downsample: inspection.downsample,
    minInputSize: inspection.downsample,
    weights: original?.weights ?? 'random',
    ...(original?.seed !== undefined ? { seed: original.seed } : {}),
    parameterCount: inspection.parameterCount,
    sha256,
  };
  return { bytes, spec };
}

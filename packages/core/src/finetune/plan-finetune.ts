import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { sliceAfterBlock } from '../backbone/truncate-graph.ts';
import { HeadstartError } from '../errors.ts';
import { convBlockLayouts, heNormalConvBlocks, type ConvBlockWeights } from './conv-block-weights.ts';
import { convBlocksOutputShape } from './conv-blocks.ts';
import { readConvBlockWeights } from './onnx-conv-weights.ts';
import type { ConvScenario } from './scenario-options.ts';

export interface PlanFinetuneOptions {
  scenario: ConvScenario;
  /** The whole backbone graph and its spec. */
  backbone: { bytes: Uint8Array; spec: BackboneSpec };
  /** First retrained block for partial (from resolveScenarioOptions); ignored otherwise. */
  trainableFrom: number;
  /** Seed of the He-normal weights of scratch. */
  seed: number;
  /** Side of the square input images. */
  inputSize: number;
}

/** What a conv-training run needs before data flows. */
export interface FinetunePlan {
  /**
   * partial only: the backbone cut after block trainableFrom − 1, to run in ONNX Runtime; its output
   * (`spec.outputName`, NCHW) goes through the feature cache with `flatten` pooling, keyed by that name.
   */
  frozen?: { bytes: Uint8Array; spec: BackboneSpec };
  /** Initial weights of the retrained blocks: read from the graph (partial, full) or He-normal (scratch). */
  blocks: ConvBlockWeights[];
  /** [C, H, W] of one input of the retrained blocks: frozen-part maps, or the image for scratch and full. */
  inputShape: [number, number, number];
  /** [C, H, W] of the last block's output, before pooling. */
  outputShape: [number, number, number];
}

/**
 * Splits a backbone for a scenario: the frozen part ORT runs, and the blocks tf.js trains with their
 * initial weights. For scratch the weights are drawn like buildVggOnnx's random ones (same seed, same
 * weights); full and partial start from the graph's own.
 */
export function planFinetune(options: PlanFinetuneOptions): FinetunePlan {
  const { scenario, backbone, seed, inputSize } = options;
  const { spec } = backbone;
  const from = scenario === 'partial' ? options.trainableFrom : 1;
  if (!Number.isInteger(inputSize) || inputSize < spec.minInputSize) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Invalid input size ${inputSize}; ${spec.id} takes whole numbers from ${spec.minInputSize} up.`,
    );
  }
  const blocks =
    scenario === 'scratch'
      ? heNormalConvBlocks({ layouts: convBlockLayouts({ spec, fromBlock: 1 }), seed })
      : readConvBlockWeights({ bytes: backbone.bytes, fromBlock: from, source: spec.id });
  let frozen: FinetunePlan['frozen'];
  let inputShape: [number, number, number] = [3, inputSize, inputSize];
  if (from > 1) {
    frozen = sliceAfterBlock({ bytes: backbone.bytes, spec, block: from - 1 });
    const side = Math.floor(inputSize / 2 ** (from - 1));
    inputShape = [frozen.spec.outputChannels, side, side];
  }
  const outputShape = convBlocksOutputShape({ layouts: blocks, shape: inputShape });
  return { ...(frozen ? { frozen } : {}), blocks, inputShape, outputShape };
}

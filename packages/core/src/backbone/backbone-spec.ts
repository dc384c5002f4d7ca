import type { NormalizationMode, TensorLayout } from './preprocess-spec.ts';

/** Where a backbone's weights came from; recorded wherever features or models are written. */
export type WeightsSource = 'imagenet' | 'random';

/** One VGG block as it appears in a graph: its conv layers and the tensor after its max-pool. */
export interface BackboneBlock {
  /** `block1` … `block5`. */
  name: string;
  /** Conv layer names in order, `block1_conv1`, … */
  convs: string[];
  /** Output channels of the block. */
  channels: number;
  /** Name of the tensor the block's max-pool produces. */
  output: string;
}

/**
 * The spec that travels with a backbone ONNX graph (as `<graph>.json` beside it): how to feed it, what it
 * returns, and where its weights came from.
 */
export interface BackboneSpec {
  /** Short id, such as `vgg16` or `vgg16-micro`; ids of imported graphs are derived from the file. */
  id: string;
  /**
   * Architecture id as getVggArchitecture accepts it (`vgg11`, `vgg13`, `vgg16`, `vgg19`, their `-micro`
   * variants, `-b<k>` for the first k blocks), or `custom` for imported graphs that match none.
   */
  arch: string;
  inputName: string;
  /** Layout of the input tensor; the output feature map is always NCHW [N, outputChannels, h, w]. */
  layout: TensorLayout;
  normalization: NormalizationMode;
  blocks: BackboneBlock[];
  outputName: string;
  /** Output channels of the last block. */
  outputChannels: number;
  /** Spatial reduction of the whole base (2 per block). */
  downsample: number;
  /** Smallest input side the graph accepts. */
  minInputSize: number;
  weights: WeightsSource;
  /** Seed of random weights, when weights is `random`. */
  seed?: number;
  /** Total learned parameters (weights and biases). */
  parameterCount: number;
  /** sha256 (hex) of the ONNX file's bytes. */
  sha256: string;
}

/** Output shape [channels, height, width] for a square input of `inputSize`. */
export function backboneOutputShape(spec: BackboneSpec, inputSize: number): [number, number, number] {
  const side = Math.floor(inputSize / spec.downsample);
  return [spec.outputChannels, side, side];
}

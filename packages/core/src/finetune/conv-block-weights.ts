import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { HeadstartError } from '../errors.ts';
import { createRandom } from '../random.ts';

/** One 3×3 conv layer of a trainable block, as plain data: kernel OIHW ([out, in, 3, 3]) like ONNX. */
export interface ConvLayerWeights {
  /** `block4_conv1`, … */
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: Float32Array;
  bias: Float32Array;
}

/** One VGG block (3×3 same convs with ReLU, then a 2×2 max-pool) with its weights. */
export interface ConvBlockWeights {
  /** `block1` … `block5`. */
  name: string;
  convs: ConvLayerWeights[];
}

/** A block's shape without weights: what a layout or a manifest records. */
export interface ConvBlockLayout {
  name: string;
  convs: { name: string; inChannels: number; outChannels: number }[];
}

/** The 1-based index of a block named `block<k>`. */
export function blockIndex(name: string): number {
  const match = /^block(\d+)$/.exec(name);
  if (!match) throw new HeadstartError('INTERNAL', `Block name "${name}" is not of the form block<k>.`);
  return Number(match[1]);
}

/**
 * Layouts of blocks `fromBlock` … last of a VGG backbone spec. Every conv of a VGG block outputs the
 * block's channels; a block's first conv reads the previous block's channels (3 for block 1).
 */
export function convBlockLayouts(options: { spec: BackboneSpec; fromBlock: number }): ConvBlockLayout[] {
  const { spec, fromBlock } = options;
  const count = spec.blocks.length;
  if (!Number.isInteger(fromBlock) || fromBlock < 1 || fromBlock > count) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Block ${fromBlock} is out of range for ${spec.id}; use 1 … ${count}.`,
    );
  }
  let inChannels = fromBlock === 1 ? 3 : (spec.blocks[fromBlock - 2]?.channels ?? 3);
  return spec.blocks.slice(fromBlock - 1).map((block) => ({
    name: block.name,
    convs: block.convs.map((name) => {
      const layer = { name, inChannels, outChannels: block.channels };
      inChannels = block.channels;
      return layer;
    }),
  }));
}

/**
 * He-normal kernels (std = sqrt(2 / (9 · in))) and zero biases for `layouts`, drawn from one
 * createRandom(seed) in layer order and OIHW element order — the draws buildVggOnnx makes, so blocks
 * 1 … N seeded s equal the conv base `<arch>-random-s<s>`.
 */
export function heNormalConvBlocks(options: {
  layouts: ConvBlockLayout[];
  seed: number;
}): ConvBlockWeights[] {
  const random = createRandom(options.seed);
  return options.layouts.map((block) => ({
    name: block.name,
    convs: block.convs.map((layer) => {
      const size = layer.outChannels * layer.inChannels * 9;
      const std = Math.sqrt(2 / (9 * layer.inChannels));
      const kernel = new Float32Array(size);
      for (let i = 0; i < size; i++) kernel[i] = random.normal() * std;
      return { ...layer, kernel, bias: new Float32Array(layer.outChannels) };
    }),
  }));
}

/** The layout of blocks with weights (drops the arrays). */
export function layoutOf(blocks: readonly ConvBlockWeights[]): ConvBlockLayout[] {
  return blocks.map((b) => ({
    name: b.name,
    convs: b.convs.map(({ name, inChannels, outChannels }) => ({ name, inChannels, outChannels })),
  }));
}

/** Checks that blocks chain (each conv reads the previous one's channels) and arrays have their sizes. */
export function checkConvBlocks(blocks: readonly ConvBlockWeights[]): void {
  let previous: number | undefined;
  for (const block of blocks) {
    if (block.convs.length === 0)
      throw new HeadstartError('INVALID_OPTION', `Block ${block.name} has no conv layers.`);
    for (const conv of block.convs) {
      if (previous !== undefined && conv.inChannels !== previous) {
        throw new HeadstartError(
          'INVALID_OPTION',
          `Conv ${conv.name} reads ${conv.inChannels} channels but the layer before it gives ${previous}.`,
        );
      }
      const size = conv.outChannels * conv.inChannels * 9;
      if (conv.kernel.length !== size || conv.bias.length !== conv.outChannels) {
        throw new HeadstartError(
          'INVALID_OPTION',
          `Conv ${conv.name} has ${conv.kernel.length} kernel and ${conv.bias.length} bias values; ` +
            `expected [${conv.outChannels}, ${conv.inChannels}, 3, 3] = ${size} and ${conv.outChannels}.`,
        );
      }
      previous = conv.outChannels;
    }
  }
}

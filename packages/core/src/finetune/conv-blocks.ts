import * as tf from '@tensorflow/tfjs-core';
import { HeadstartError } from '../errors.ts';
import type { Pooling } from '../features/pooling.ts';
import { checkConvBlocks, type ConvBlockLayout, type ConvBlockWeights } from './conv-block-weights.ts';
import { conv3x3 } from './trainable-conv.ts';

/** One conv layer as tf.js variables: kernel HWIO [3, 3, in, out] (tf.js' NHWC conv layout), bias [out]. */
export interface TrainableConvLayer {
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** Trainable VGG blocks: per block its convs (3×3 same + ReLU), then a 2×2 stride-2 max-pool. */
export interface ConvBlocks {
  blocks: { name: string; convs: TrainableConvLayer[] }[];
  /** Kernels and biases in layer order: what an optimizer updates. */
  variables: tf.Variable[];
  dispose(): void;
}

/**
 * Creates tf.js variables for `weights` (OIHW kernels, as read from ONNX or drawn by heNormalConvBlocks),
 * transposed to HWIO for tf.js' NHWC convs.
 */
export function createConvBlocks(options: { weights: readonly ConvBlockWeights[] }): ConvBlocks {
  checkConvBlocks(options.weights);
  const blocks = options.weights.map((block) => ({
    name: block.name,
    convs: block.convs.map((conv): TrainableConvLayer => {
      const kernel = tf.tidy(() =>
        tf.variable(
          tf.transpose(tf.tensor4d(conv.kernel, [conv.outChannels, conv.inChannels, 3, 3]), [2, 3, 1, 0]),
        ),
      );
      const bias = tf.tidy(() => tf.variable(tf.tensor1d(conv.bias)));
      return { name: conv.name, inChannels: conv.inChannels, outChannels: conv.outChannels, kernel, bias };
    }),
  }));
  const variables = blocks.flatMap((b) => b.convs.flatMap((c) => [c.kernel, c.bias]));
  return { blocks, variables, dispose: () => variables.forEach((v) => v.dispose()) };
}

/** The blocks' current weights as plain data, kernels back in ONNX's OIHW order. */
export function readConvBlocks(blocks: ConvBlocks): ConvBlockWeights[] {
  return blocks.blocks.map((block) => ({
    name: block.name,
    convs: block.convs.map((conv) => {
      const oihw = tf.tidy(() => tf.transpose(conv.kernel, [3, 2, 0, 1]));
      const kernel = oihw.dataSync() as Float32Array;
      oihw.dispose();
      const bias = Float32Array.from(conv.bias.dataSync() as Float32Array);
      return {
        name: conv.name,
        inChannels: conv.inChannels,
        outChannels: conv.outChannels,
        kernel: Float32Array.from(kernel),
        bias,
      };
    }),
  }));
}

/** The blocks' layout (names and channels), without reading weights. */
export function convBlocksLayout(blocks: ConvBlocks): ConvBlockLayout[] {
  return blocks.blocks.map((b) => ({
    name: b.name,
    convs: b.convs.map(({ name, inChannels, outChannels }) => ({ name, inChannels, outChannels })),
  }));
}

/** [C, H, W] after `layouts` for an input of `shape`: each block halves H and W (rounding down). */
export function convBlocksOutputShape(options: {
  layouts: readonly ConvBlockLayout[];
  shape: readonly [number, number, number];
}): [number, number, number] {
  const { layouts, shape } = options;
  let [c, h, w] = shape;
  for (const block of layouts) {
    const first = block.convs[0];
    const last = block.convs[block.convs.length - 1];
    if (!first || !last)
      throw new HeadstartError('INVALID_OPTION', `Block ${block.name} has no conv layers.`);
    if (first.inChannels !== c) {
      throw new HeadstartError(
        'BACKBONE_IO_MISMATCH',
        `Block ${block.name} reads ${first.inChannels} channels but its input has ${c}.`,
      );
    }
    c = last.outChannels;
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
    if (h < 1 || w < 1) {
      throw new HeadstartError(
        'INVALID_OPTION',
        `An input of ${shape[1]}×${shape[2]} is too small for block ${block.name}; each block halves it.`,
      );
    }
  }
  return [c, h, w];
}

/** NCHW float32 maps (as ONNX Runtime returns them) as an NHWC tensor for tf.js convs. */
export function nchwToNhwc(options: {
  data: Float32Array;
  count: number;
  shape: readonly [number, number, number];
}): tf.Tensor4D {
  const { data, count, shape } = options;
  return tf.tidy(() => tf.transpose(tf.tensor4d(data, [count, ...shape]), [0, 2, 3, 1]) as tf.Tensor4D);
}

/**
 * Runs NHWC `x` through the blocks. `inputGradient: false` spares the gradient of `x` itself when it is
 * data rather than the output of trainable layers.
 */
export function convBlocksForward(options: {
  blocks: ConvBlocks;
  x: tf.Tensor4D;
  inputGradient?: boolean;
}): tf.Tensor4D {
  let h = options.x;
  let first = true;
  for (const block of options.blocks.blocks) {
    for (const conv of block.convs) {
      const z = conv3x3({
        x: h,
        kernel: conv.kernel as tf.Tensor4D,
        inputGradient: !first || (options.inputGradient ?? false),
      });
      h = tf.relu(tf.add(z, conv.bias)) as tf.Tensor4D;
      first = false;
    }
    h = tf.maxPool(h, 2, 2, 'valid');
  }
  return h;
}

/**
 * Pools NHWC maps into feature rows the way the frozen path does with NCHW graphs: `flatten` in
 * C·H·W order (so a head sees the same ordering as on cached features), `avg` and `max` per channel.
 */
export function poolMaps(options: { x: tf.Tensor4D; pooling: Pooling }): tf.Tensor2D {
  const { x, pooling } = options;
  const [n, h, w, c] = x.shape;
  if (pooling === 'avg') return tf.mean(x, [1, 2]) as tf.Tensor2D;
  if (pooling === 'max') return tf.max(x, [1, 2]) as tf.Tensor2D;
  return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n, c * h * w]) as tf.Tensor2D;
}

/** Feature rows for a batch of NCHW input maps: to NHWC, through the blocks, pooled. */
export function convFeatures(options: {
  blocks: ConvBlocks;
  data: Float32Array;
  count: number;
  shape: readonly [number, number, number];
  pooling: Pooling;
}): tf.Tensor2D {
  const { blocks, pooling } = options;
  return tf.tidy(() => poolMaps({ x: convBlocksForward({ blocks, x: nchwToNhwc(options) }), pooling }));
}

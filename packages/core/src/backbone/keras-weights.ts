import { HeadstartError } from '../errors.ts';
import type { BackboneSpec, WeightsSource } from './backbone-spec.ts';
import { buildVggOnnx, type ConvWeights } from './build-vgg-onnx.ts';
import type { NormalizationMode } from './preprocess-spec.ts';
import {
  getVggArchitecture,
  matchVggArchitecture,
  vggConvLayers,
  type VggArchitecture,
} from './vgg-architectures.ts';

/** One Keras Conv2D layer's weights as stored: kernel HWIO [3, 3, in, out] and bias [out]. */
export interface KerasConvWeights {
  kernel: Float32Array;
  kernelShape: number[];
  bias: Float32Array;
}

/** Keras layer name → weights, e.g. as read from `vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`. */
export type KerasLayerWeights = Map<string, KerasConvWeights>;

/** Reorders a Keras HWIO kernel [kh, kw, in, out] to ONNX's OIHW [out, in, kh, kw]. */
export function hwioToOihw(kernel: Float32Array, shape: readonly number[]): Float32Array {
  const [kh = 0, kw = 0, cin = 0, cout = 0] = shape;
  const out = new Float32Array(kernel.length);
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      for (let i = 0; i < cin; i++) {
        const src = ((h * kw + w) * cin + i) * cout;
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + h) * kw + w] = kernel[src + o] as number;
      }
    }
  }
  return out;
}

/**
 * The VGG architecture whose layers the weights hold (`blockB_convC` names, output channels from the
 * kernels), so `vgg16` and `vgg19` files are told apart. Throws BACKBONE_INVALID when none matches.
 */
export function inferKerasArchitecture(
  layers: KerasLayerWeights,
  source = 'The Keras weights',
): VggArchitecture {
  const blocks: { convCount: number; channels: number }[] = [];
  for (const [name, weights] of layers) {
    const match = /^block(\d+)_conv(\d+)$/.exec(name);
    if (!match) continue;
    const b = Number(match[1]) - 1;
    const entry = (blocks[b] ??= { convCount: 0, channels: 0 });
    entry.convCount = Math.max(entry.convCount, Number(match[2]));
    entry.channels = weights.kernelShape[3] ?? 0;
  }
  // Blocks are filled by number, so a missing block leaves a hole.
  const dense = Array.from({ length: blocks.length }, (_, i) => blocks[i]);
  const complete = dense.filter((b) => b !== undefined);
  const arch = complete.length === dense.length ? matchVggArchitecture(complete) : undefined;
  if (!arch) {
    const found = dense
      .map((b, i) => `block${i + 1}: ${b?.convCount ?? 0} convs of ${b?.channels ?? 0}`)
      .join(', ');
    throw new HeadstartError(
      'BACKBONE_INVALID',
      `${source} match no VGG architecture (found ${found || 'no blockB_convC layers'}); expected the layers of vgg11, vgg13, vgg16 or vgg19.`,
    );
  }
  return arch;
}

function checkedLayer(
  arch: VggArchitecture,
  layers: KerasLayerWeights,
  name: string,
  cin: number,
  cout: number,
): ConvWeights {
  const weights = layers.get(name);
  if (!weights) {
    throw new HeadstartError(
      'BACKBONE_IO_MISMATCH',
      `The Keras weights lack layer "${name}", which ${arch.id} needs (${vggConvLayers(arch)
        .map((c) => c.name)
        .join(', ')}).`,
    );
  }
  const expected = [3, 3, cin, cout];
  const shapeOk =
    weights.kernelShape.length === 4 &&
    weights.kernelShape.every((d, i) => d === expected[i]) &&
    weights.kernel.length === 9 * cin * cout &&
    weights.bias.length === cout;
  if (!shapeOk) {
    throw new HeadstartError(
      'BACKBONE_IO_MISMATCH',
      `Layer "${name}" has kernel [${weights.kernelShape.join(', ')}] and bias [${weights.bias.length}]; ` +
        `${arch.id} expects kernel [${expected.join(', ')}] (HWIO) and bias [${cout}].`,
    );
  }
  return { kernel: hwioToOihw(weights.kernel, weights.kernelShape), bias: weights.bias };
}

export interface BuildVggFromKerasOptions {
  layers: KerasLayerWeights;
  /** Defaults to the architecture inferred from the layers. */
  arch?: VggArchitecture | string;
  /** Defaults to `caffe`, the preprocessing of Keras's ImageNet VGG weights. */
  normalization?: NormalizationMode;
  /** Defaults to `imagenet`. */
  source?: WeightsSource;
  id?: string;
}

/**
 * Builds a backbone graph from Keras-layout conv weights. Every conv of the architecture must be present
 * with its exact shape (BACKBONE_IO_MISMATCH names the layer and both shapes); other layers (pools, a
 * classifier's dense layers) are ignored.
 */
export function buildVggFromKerasWeights(options: BuildVggFromKerasOptions): {
  bytes: Uint8Array;
  spec: BackboneSpec;
} {
  const arch =
    options.arch === undefined
      ? inferKerasArchitecture(options.layers)
      : typeof options.arch === 'string'
        ? getVggArchitecture(options.arch)
        : options.arch;
  const layers = new Map<string, ConvWeights>();
  for (const conv of vggConvLayers(arch)) {
    layers.set(conv.name, checkedLayer(arch, options.layers, conv.name, conv.inChannels, conv.outChannels));
  }
  return buildVggOnnx({
    arch,
    weights: { kind: 'provided', layers, source: options.source ?? 'imagenet' },
    normalization: options.normalization ?? 'caffe',
    ...(options.id === undefined ? {} : { id: options.id }),
  });
}

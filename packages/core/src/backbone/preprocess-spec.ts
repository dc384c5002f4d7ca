import { HeadstartError, formatChoices } from '../errors.ts';

/** The two normalisations VGG weights are published with. */
export const NORMALIZATION_MODES = ['caffe', 'torch'] as const;
export type NormalizationMode = (typeof NORMALIZATION_MODES)[number];

/** Tensor layouts an ONNX graph may take its input in. */
export type TensorLayout = 'nchw' | 'nhwc';

/**
 * Everything needed to turn decoded pixels into the backbone's input tensor. It is stored whole in model
 * bundles so every front-end reproduces the same tensor.
 */
export interface PreprocessSpec {
  /** Side of the square input, in pixels. */
  inputSize: number;
  /** How pixels are resampled to inputSize × inputSize (the whole image, aspect ratio not kept). */
  resize: 'bilinear';
  /** Channel order of the tensor. */
  channelOrder: 'rgb' | 'bgr';
  layout: TensorLayout;
  /** Pixel values 0..255 are multiplied by this before mean and std are applied. */
  scale: number;
  /** Per channel, in channelOrder. */
  mean: [number, number, number];
  /** Per channel, in channelOrder. */
  std: [number, number, number];
}

/** The preprocessing of a normalisation mode: Keras "caffe" (BGR, mean subtraction) or torchvision. */
export function preprocessFor(
  mode: NormalizationMode,
  inputSize: number,
  layout: TensorLayout = 'nchw',
): PreprocessSpec {
  if (mode === 'caffe') {
    return {
      inputSize,
      resize: 'bilinear',
      channelOrder: 'bgr',
      layout,
      scale: 1,
      mean: [103.939, 116.779, 123.68],
      std: [1, 1, 1],
    };
  }
  return {
    inputSize,
    resize: 'bilinear',
    channelOrder: 'rgb',
    layout,
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  };
}

/** Parses a normalisation mode name, naming the allowed ones when it is unknown. */
export function parseNormalizationMode(value: string): NormalizationMode {
  if ((NORMALIZATION_MODES as readonly string[]).includes(value)) return value as NormalizationMode;
  throw new HeadstartError(
    'INVALID_OPTION',
    `Unknown preprocessing "${value}"; use ${formatChoices(NORMALIZATION_MODES)}.`,
  );
}

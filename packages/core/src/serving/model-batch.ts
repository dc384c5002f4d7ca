import { backboneOutputShape } from '../backbone/backbone-spec.ts';
import { HeadstartError } from '../errors.ts';
import { featureDimension, poolFeatures } from '../features/pooling.ts';
import { topK, type RankedLabel } from '../head/predict-head.ts';
import { imageTensorLength, preprocessImage } from '../image/image-tensor.ts';
import { modelPooling, modelProbabilities, type LoadedModel } from '../pipeline/predict-images.ts';

/**
 * What the model makes of one image: its pooled features and the head's class probabilities. A merged
 * graph gives probabilities only; its features are empty.
 */
export interface ImageOutput {
  features: Float32Array;
  probabilities: Float32Array;
}

/**
 * Decodes an image with the model's decoder and turns it into one backbone input slot, exactly as
 * extraction does (the bundle's resize, channel order, layout and normalisation).
 */
export async function prepareImageTensor(options: {
  model: LoadedModel;
  bytes: Uint8Array;
  name: string;
}): Promise<Float32Array> {
  const image = await options.model.decode(options.bytes, options.name);
  return preprocessImage({ image, spec: options.model.manifest.preprocess });
}

/** A backbone input tensor of `count` zero images, for warming a session up. */
export function blankImageTensors(options: { model: LoadedModel; count: number }): Float32Array[] {
  const length = imageTensorLength(options.model.manifest.preprocess);
  return Array.from({ length: options.count }, () => new Float32Array(length));
}

/**
 * Runs prepared image tensors (from any number of requests) through the backbone in one session run,
 * pools them and applies the head, then splits the result per image. The arithmetic is that of
 * `predictImages`, so a served answer matches the CLI's for the same image.
 */
export async function runModelBatch(options: {
  model: LoadedModel;
  tensors: readonly Float32Array[];
}): Promise<ImageOutput[]> {
  const { model, tensors } = options;
  const { preprocess } = model.manifest;
  const pooling = modelPooling(model);
  const n = tensors.length;
  if (n === 0) return [];
  const perImage = imageTensorLength(preprocess);
  const input = new Float32Array(n * perImage);
  tensors.forEach((tensor, i) => {
    if (tensor.length !== perImage) {
      throw new HeadstartError(
        'INVALID_OPTION',
        `Image tensor ${i} holds ${tensor.length} floats; the backbone takes ${perImage}.`,
      );
    }
    input.set(tensor, i * perImage);
  });
  const side = preprocess.inputSize;
  const dims = preprocess.layout === 'nchw' ? [n, 3, side, side] : [n, side, side, 3];
  const output = await model.session.run(input, dims);
  const shape = backboneOutputShape(model.backbone, side);
  const dim = featureDimension(pooling, shape);
  const features = poolFeatures({ output: output.data, count: n, shape, layout: preprocess.layout, pooling });
  const classes = model.manifest.labels.length;
  const probabilities = await modelProbabilities({ model, features, count: n });
  return tensors.map((_, i) => ({
    features: model.head ? features.slice(i * dim, (i + 1) * dim) : new Float32Array(0),
    probabilities: probabilities.slice(i * classes, (i + 1) * classes),
  }));
}

/** The best label, its probability and the `k` most probable labels of one image's probabilities. */
export function rankProbabilities(options: {
  probabilities: Float32Array;
  labels: readonly string[];
  k: number;
}): { label: string; probability: number; top: RankedLabel[] } {
  const k = Math.max(1, Math.min(options.k, options.labels.length));
  const top = topK({ probabilities: options.probabilities, labels: options.labels, k });
  const best = top[0] as RankedLabel;
  return { label: best.label, probability: best.probability, top };
}

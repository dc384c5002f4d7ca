import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import type { DatasetSample } from '../data/dataset.ts';
import { HeadstartError } from '../errors.ts';
import type { FeatureSource } from '../head/feature-source.ts';
import { preprocessImage } from '../image/image-tensor.ts';
import type { DecodeImage } from '../image/rgb-image.ts';
import { mapSize, type MapSource } from './map-source.ts';

/**
 * A FeatureSource of flattened frozen-part outputs (feature-cache rows with `flatten` pooling, C·H·W
 * order) seen as NCHW maps of `shape`: the input of partial fine-tuning.
 */
export function mapSourceFromFeatures(options: {
  source: FeatureSource;
  shape: [number, number, number];
}): MapSource {
  const { source, shape } = options;
  if (source.dim !== mapSize(shape)) {
    throw new HeadstartError(
      'BACKBONE_IO_MISMATCH',
      `Cached features have dim ${source.dim} but maps of [${shape.join(', ')}] need ${mapSize(shape)}; cache them with flatten pooling.`,
    );
  }
  return {
    count: source.count,
    shape,
    labels: source.labels,
    getBatch: (indices) => source.getBatch(indices),
  };
}

/**
 * Dataset images read, decoded and preprocessed a batch at a time: the input of scratch and full
 * fine-tuning, where nothing is frozen and so nothing can be cached. `preprocess` must be NCHW.
 */
export function imageMapSource(options: {
  samples: readonly DatasetSample[];
  labels: Int32Array;
  decode: DecodeImage;
  preprocess: PreprocessSpec;
}): MapSource {
  const { samples, labels, decode, preprocess } = options;
  if (preprocess.layout !== 'nchw') {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Fine-tuning reads images as NCHW; got a ${preprocess.layout} preprocessing spec.`,
    );
  }
  if (labels.length !== samples.length) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `There are ${samples.length} samples but ${labels.length} labels.`,
    );
  }
  const side = preprocess.inputSize;
  const shape: [number, number, number] = [3, side, side];
  const size = mapSize(shape);
  return {
    count: samples.length,
    shape,
    labels,
    async getBatch(indices) {
      const out = new Float32Array(indices.length * size);
      await Promise.all(
        indices.map(async (index, i) => {
          const sample = samples[index] as DatasetSample;
          const content = await sample.read();
          const image = content.kind === 'pixels' ? content.image : await decode(content.bytes, sample.id);
          out.set(preprocessImage({ image, spec: preprocess }), i * size);
        }),
      );
      return out;
    },
  };
}

import { describe, expect, it } from 'vitest';
import { preprocessFor } from '../backbone/preprocess-spec.ts';
import type { DatasetSample } from '../data/dataset.ts';
import { arrayFeatureSource } from '../head/feature-source.ts';
import { preprocessImage } from '../image/image-tensor.ts';
import type { RgbImage } from '../image/rgb-image.ts';
import { imageMapSource, mapSourceFromFeatures } from './source-adapters.ts';

function image(seed: number): RgbImage {
  return {
    width: 20,
    height: 20,
    data: Uint8Array.from({ length: 20 * 20 * 3 }, (_, i) => (i * 7 + seed * 31) % 256),
  };
}

describe('imageMapSource', () => {
  it('reads, decodes and preprocesses only the images of each batch, NCHW', async () => {
    const reads: string[] = [];
    const samples: DatasetSample[] = [0, 1, 2].map((i) => ({
      id: `s${i}`,
      label: 'x',
      read: async () => {
        reads.push(`s${i}`);
        return i === 1 ? { kind: 'encoded', bytes: Uint8Array.of(i) } : { kind: 'pixels', image: image(i) };
      },
    }));
    const preprocess = preprocessFor('caffe', 16);
    const source = imageMapSource({
      samples,
      labels: Int32Array.from([0, 1, 0]),
      decode: async (bytes) => image(bytes[0]!),
      preprocess,
    });
    expect(source.shape).toEqual([3, 16, 16]);
    const batch = await source.getBatch([2, 1]);
    expect(reads.sort()).toEqual(['s1', 's2']);
    expect(Array.from(batch.subarray(0, 768))).toEqual(
      Array.from(preprocessImage({ image: image(2), spec: preprocess })),
    );
    expect(Array.from(batch.subarray(768))).toEqual(
      Array.from(preprocessImage({ image: image(1), spec: preprocess })),
    );
    expect(() =>
      imageMapSource({
        samples,
        labels: Int32Array.from([0, 1, 0]),
        decode: async () => image(0),
        preprocess: preprocessFor('caffe', 16, 'nhwc'),
      }),
    ).toThrow('Fine-tuning reads images as NCHW; got a nhwc preprocessing spec.');
  });
});

describe('mapSourceFromFeatures', () => {
  it('sees flattened frozen-part rows as maps, and names a pooled cache', () => {
    const features = arrayFeatureSource({
      features: new Float32Array(2 * 32),
      labels: Int32Array.from([0, 1]),
      dim: 32,
    });
    expect(mapSourceFromFeatures({ source: features, shape: [8, 2, 2] }).shape).toEqual([8, 2, 2]);
    expect(() => mapSourceFromFeatures({ source: features, shape: [32, 2, 2] })).toThrow(
      'Cached features have dim 32 but maps of [32, 2, 2] need 128; cache them with flatten pooling.',
    );
  });
});

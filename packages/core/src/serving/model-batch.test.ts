import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { exampleManifest } from '../bundle/example-manifest.ts';
import type { BackboneSession } from '../features/backbone-session.ts';
import { syntheticClusters } from '../head/synthetic-clusters.ts';
import { trainHead } from '../head/train-head.ts';
import { imageTensorLength } from '../image/image-tensor.ts';
import type { RgbImage } from '../image/rgb-image.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { predictImages, type LoadedModel } from '../pipeline/predict-images.ts';
import { blankImageTensors, prepareImageTensor, rankProbabilities, runModelBatch } from './model-batch.ts';

const manifest = exampleManifest();

const backbone = {
  id: 'fake',
  arch: 'custom',
  inputName: 'input',
  layout: 'nchw',
  normalization: 'caffe',
  blocks: [],
  outputName: 'features',
  outputChannels: 12,
  downsample: 16,
  minInputSize: 32,
  weights: 'random',
  parameterCount: 0,
  sha256: 'a'.repeat(64),
} satisfies BackboneSpec;

/** A backbone whose output for an image depends on that image alone, as a real one's does. */
const session: BackboneSession = {
  executionProvider: 'fake',
  async run(input, dims) {
    const n = dims[0] as number;
    const per = input.length / n;
    const outPer = 12 * 2 * 2;
    const data = new Float32Array(n * outPer);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < outPer; j++)
        data[i * outPer + j] = (input[i * per + ((j * 97) % per)] as number) / 50;
    }
    return { data, dims: [n, 12, 2, 2] };
  },
  async dispose() {},
};

/** Decodes "bytes" into a 40×24 image filled from them, so each input gives a different picture. */
async function decode(bytes: Uint8Array): Promise<RgbImage> {
  const data = new Uint8Array(40 * 24 * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((bytes[i % bytes.length] as number) * (i + 1)) % 256;
  return { width: 40, height: 24, data };
}

let model: LoadedModel;
beforeAll(async () => {
  await initTfjs({ backend: 'wasm' });
  const data = syntheticClusters({ numClasses: 3, dim: 12, perClass: 10, seed: 1 });
  const trained = await trainHead({
    train: data,
    spec: manifest.head.spec,
    numClasses: 3,
    epochs: 2,
    standardize: true,
  });
  model = {
    manifest,
    backbone,
    session,
    decode,
    head: { model: trained.model, ...(trained.standardizer ? { standardizer: trained.standardizer } : {}) },
  };
});
afterAll(() => model.head?.model.dispose());

const images = Array.from({ length: 7 }, (_, i) => Uint8Array.from([i + 1, 3 * i + 7, 11, i * i]));

describe('runModelBatch', () => {
  it('gives every image the answer predictImages gives it, however the images are batched', async () => {
    const expected = await predictImages({
      model,
      inputs: images.map((bytes, i) => ({ id: `img${i}`, content: { kind: 'encoded', bytes } })),
      topK: 3,
    });
    const tensors = await Promise.all(
      images.map((bytes, i) => prepareImageTensor({ model, bytes, name: `img${i}` })),
    );
    const batched = [
      ...(await runModelBatch({ model, tensors: tensors.slice(0, 3) })),
      ...(await runModelBatch({ model, tensors: tensors.slice(3) })),
    ];
    expect(batched).toHaveLength(7);
    batched.forEach((output, i) => {
      const want = expected[i];
      if (!want?.ok) throw new Error(`image ${i} failed in predictImages`);
      const ranked = rankProbabilities({
        probabilities: output.probabilities,
        labels: manifest.labels,
        k: 3,
      });
      expect(ranked.label).toBe(want.label);
      expect(ranked.probability).toBeCloseTo(want.probability, 6);
      expect(ranked.top.map((t) => t.label)).toEqual(want.top.map((t) => t.label));
      expect(output.features).toHaveLength(12);
      expect(output.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });
  });

  it('leaves no tensors behind', async () => {
    const tensors = blankImageTensors({ model, count: 4 });
    expect(tensors[0]).toHaveLength(imageTensorLength(manifest.preprocess));
    await runModelBatch({ model, tensors });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await runModelBatch({ model, tensors });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a tensor of the wrong size', async () => {
    await expect(runModelBatch({ model, tensors: [new Float32Array(5)] })).rejects.toThrow(/holds 5 floats/);
  });

  it('caps k at the number of labels', () => {
    const ranked = rankProbabilities({
      probabilities: Float32Array.from([0.2, 0.5, 0.3]),
      labels: manifest.labels,
      k: 10,
    });
    expect(ranked).toMatchObject({ label: 'one', probability: 0.5 });
    expect(ranked.top.map((t) => t.label)).toEqual(['one', 'two', 'zero']);
  });
});

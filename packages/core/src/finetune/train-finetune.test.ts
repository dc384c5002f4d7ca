import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../backbone/build-vgg-onnx.ts';
import { sliceAfterBlock } from '../backbone/truncate-graph.ts';
import { isHeadstartError } from '../errors.ts';
import { parseHeadSpec } from '../head/head-spec.ts';
import { trainHead } from '../head/train-head.ts';
import { runOnnxGraph } from '../node/finetune/run-onnx-graph.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { convBlockLayouts, heNormalConvBlocks } from './conv-block-weights.ts';
import { readConvBlocks } from './conv-blocks.ts';
import { evaluateFinetune } from './finetune-model.ts';
import { arrayMapSource, type MapSource } from './map-source.ts';
import { readConvBlockWeights } from './onnx-conv-weights.ts';
import { syntheticImages } from './synthetic-images.ts';
import { trainFinetune, type TrainFinetuneOptions } from './train-finetune.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 42 } });
const linear = parseHeadSpec({ value: 'linear' });

/** Splits NCHW maps into the first `trainCount` samples and the rest, as sources. */
function split(
  data: Float32Array,
  labels: Int32Array,
  shape: [number, number, number],
  trainCount: number,
): [MapSource, MapSource] {
  const size = shape[0] * shape[1] * shape[2];
  return [
    arrayMapSource({ data: data.slice(0, trainCount * size), shape, labels: labels.slice(0, trainCount) }),
    arrayMapSource({ data: data.slice(trainCount * size), shape, labels: labels.slice(trainCount) }),
  ];
}

beforeAll(async () => {
  expect((await initTfjs({ backend: 'wasm' })).backend).toBe('wasm');
});

describe('trainFinetune, partial', () => {
  it('retrains blocks 4–5 past a frozen baseline on data the frozen features separate poorly', async () => {
    const images = syntheticImages({ task: 'corners', count: 640, size: 32, seed: 1 });
    const dims = [640, 3, 32, 32];
    const features = (
      await runOnnxGraph({ bytes: micro.bytes, feeds: { input: { data: images.data, dims } } })
    ).features!;
    const frozen = sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block: 3 });
    const maps = (await runOnnxGraph({ bytes: frozen.bytes, feeds: { input: { data: images.data, dims } } }))
      .block3_pool!;
    expect(maps.dims).toEqual([640, 16, 4, 4]);

    const baseline = await trainHead({
      train: { features: features.data.slice(0, 480 * 32), labels: images.labels.slice(0, 480), dim: 32 },
      val: { features: features.data.slice(480 * 32), labels: images.labels.slice(480), dim: 32 },
      spec: parseHeadSpec({ value: 'mlp:32@0' }),
      numClasses: 2,
      epochs: 60,
      batchSize: 32,
      learningRate: 3e-3,
    });
    const baselineAccuracy = Math.max(...baseline.history.map((h) => h.valAccuracy ?? 0));
    baseline.model.dispose();

    const [train, val] = split(maps.data, images.labels, [16, 4, 4], 480);
    const before = tf.memory().numTensors;
    const result = await trainFinetune({
      train,
      val,
      blocks: readConvBlockWeights({ bytes: micro.bytes, fromBlock: 4 }),
      spec: linear,
      numClasses: 2,
      epochs: 12,
      warmupEpochs: 2,
      learningRate: 3e-3,
      learningRateBackbone: 1e-3,
    });
    const finalAccuracy = result.history[result.history.length - 1]!.valAccuracy!;
    expect(result.history.map((h) => h.phase)).toEqual([
      ...Array(2).fill('warmup'),
      ...Array(10).fill('finetune'),
    ]);
    expect(baselineAccuracy).toBeLessThan(0.8);
    expect(finalAccuracy).toBeGreaterThan(0.88);
    expect(finalAccuracy).toBeGreaterThan(baselineAccuracy + 0.15);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainFinetune, scratch', () => {
  it('learns a separable task from He-normal weights', async () => {
    const spec = buildVggOnnx({ arch: 'vgg16-micro-b3', weights: { kind: 'random', seed: 1 } }).spec;
    const images = syntheticImages({ task: 'bars', count: 320, size: 16, seed: 3 });
    const [train, val] = split(images.data, images.labels, images.shape, 240);
    const blocks = heNormalConvBlocks({ layouts: convBlockLayouts({ spec, fromBlock: 1 }), seed: 9 });
    const result = await trainFinetune({
      train,
      val,
      blocks,
      spec: linear,
      numClasses: 2,
      epochs: 8,
      warmupEpochs: 0,
      learningRateBackbone: 1e-3,
    });
    const last = result.history[result.history.length - 1]!;
    expect(result.history[0]!.valAccuracy).toBeLessThan(0.9);
    expect(last.valAccuracy).toBeGreaterThan(0.95);
    result.model.dispose();
  });
});

describe('trainFinetune, controls', () => {
  const spec = buildVggOnnx({ arch: 'vgg16-micro-b3', weights: { kind: 'random', seed: 1 } }).spec;
  const images = syntheticImages({ task: 'bars', count: 48, size: 16, seed: 5 });
  const [train, val] = split(images.data, images.labels, images.shape, 32);
  const blocks = heNormalConvBlocks({ layouts: convBlockLayouts({ spec, fromBlock: 2 }), seed: 2 });
  const maps = syntheticImages({ task: 'bars', count: 48, size: 8, seed: 5 });
  // Block-2 inputs have 4 channels: repeat the image's first channels to make such maps.
  const fourChannels = new Float32Array(48 * 4 * 64);
  for (let n = 0; n < 48; n++)
    for (let c = 0; c < 4; c++)
      fourChannels.set(
        maps.data.subarray((n * 3 + (c % 3)) * 64, (n * 3 + (c % 3) + 1) * 64),
        (n * 4 + c) * 64,
      );
  const [mapTrain, mapVal] = split(fourChannels, maps.labels, [4, 8, 8], 32);
  const base: TrainFinetuneOptions = {
    train: mapTrain,
    val: mapVal,
    blocks,
    spec: linear,
    numClasses: 2,
    batchSize: 8,
  };

  it('trains the head only during warm-up, and an abort returns the best weights so far', async () => {
    const controller = new AbortController();
    const result = await trainFinetune({
      ...base,
      epochs: 5,
      warmupEpochs: 1,
      signal: controller.signal,
      onEpoch: () => controller.abort(),
    });
    expect(result.aborted).toBe(true);
    expect(result.history.map((h) => h.phase)).toEqual(['warmup']);
    expect(result.bestEpoch).toBe(1);
    const after = readConvBlocks(result.model.blocks);
    after.forEach((block, b) =>
      block.convs.forEach((conv, c) =>
        expect(Array.from(conv.kernel)).toEqual(Array.from(blocks[b]!.convs[c]!.kernel)),
      ),
    );
    result.model.dispose();
  });

  it('is reproducible for a seed, augments when asked, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    let largest = 0;
    const streamed: MapSource = {
      ...mapTrain,
      getBatch: (indices) => ((largest = Math.max(largest, indices.length)), mapTrain.getBatch(indices)),
    };
    const options = { ...base, train: streamed, epochs: 3, warmupEpochs: 1, seed: 7 };
    const [a, b, augmented] = [
      await trainFinetune(options),
      await trainFinetune(options),
      await trainFinetune({ ...options, augment: { shift: 1, flip: true } }),
    ];
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(b.history.map((h) => h.valLoss)).toEqual(a.history.map((h) => h.valLoss));
    expect(augmented.history[0]!.loss).not.toBe(a.history[0]!.loss);
    expect(readConvBlocks(a.model.blocks)[0]!.convs[0]!.kernel).not.toEqual(blocks[0]!.convs[0]!.kernel);
    expect(largest).toBe(8);
    [a, b, augmented].forEach((r) => r.model.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops early after `patience` fine-tuning epochs and restores the best epoch', async () => {
    const result = await trainFinetune({
      ...base,
      epochs: 40,
      warmupEpochs: 1,
      patience: 2,
      learningRate: 3e-2,
      learningRateBackbone: 3e-2,
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(40);
    expect(result.history.length - Math.max(result.bestEpoch, 1)).toBe(2);
    const best = result.history[result.bestEpoch - 1]!;
    const evaluation = await evaluateFinetune({ model: result.model, source: mapVal, numClasses: 2 });
    expect(evaluation.loss).toBeCloseTo(best.valLoss!, 4);
    result.model.dispose();
  });

  it('refuses bad options with one clear message', async () => {
    const message = async (options: Partial<TrainFinetuneOptions>) => {
      try {
        await trainFinetune({ ...base, ...options });
      } catch (error) {
        expect(isHeadstartError(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected a failure');
    };
    expect(await message({ epochs: 3, warmupEpochs: 3 })).toBe(
      'Warm-up epochs 3 must be fewer than epochs 3, or the conv blocks never train.',
    );
    expect(await message({ learningRateBackbone: 0 })).toBe(
      'Backbone learning rate 0 must be a positive number.',
    );
    expect(await message({ learningRate: -1 })).toBe('Learning rate -1 must be a positive number.');
    expect(await message({ train, val })).toBe(
      'Block block2 reads 4 channels but the training inputs have 3 ([3, 16, 16]).',
    );
    expect(await message({ augment: { shift: 8, flip: false } })).toBe(
      'Augmentation shift 8 must be smaller than the 8×8 maps it moves.',
    );
  });
});

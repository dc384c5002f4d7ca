import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../backbone/build-vgg-onnx.ts';
import { sliceAfterBlock } from '../backbone/truncate-graph.ts';
import { runOnnxGraph } from '../node/finetune/run-onnx-graph.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { createRandom } from '../random.ts';
import { convBlockLayouts, heNormalConvBlocks } from './conv-block-weights.ts';
import { convBlocksOutputShape, convFeatures, createConvBlocks, readConvBlocks } from './conv-blocks.ts';
import { readConvBlockWeights } from './onnx-conv-weights.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 21 } });
const random = createRandom(8);
const count = 3;
const image = Float32Array.from({ length: count * 3 * 32 * 32 }, () => random.normal());

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
}

beforeAll(async () => {
  expect((await initTfjs({ backend: 'wasm' })).backend).toBe('wasm');
});

describe('conv blocks from ONNX weights', () => {
  const full = runOnnxGraph({
    bytes: micro.bytes,
    feeds: { input: { data: image, dims: [count, 3, 32, 32] } },
  });

  for (const from of [1, 2, 3, 4, 5]) {
    it(`reproduce ORT's features when blocks ${from}–5 run in tf.js on the frozen part's output`, async () => {
      let maps: Float32Array = image;
      let shape: [number, number, number] = [3, 32, 32];
      if (from > 1) {
        const frozen = sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block: from - 1 });
        const out = await runOnnxGraph({
          bytes: frozen.bytes,
          feeds: { input: { data: image, dims: [count, 3, 32, 32] } },
        });
        const result = out[frozen.spec.outputName]!;
        maps = result.data;
        shape = result.dims.slice(1) as [number, number, number];
      }
      const weights = readConvBlockWeights({ bytes: micro.bytes, fromBlock: from });
      expect(weights.map((b) => b.name)).toEqual(micro.spec.blocks.slice(from - 1).map((b) => b.name));
      expect(convBlocksOutputShape({ layouts: weights, shape })).toEqual([32, 1, 1]);
      const before = tf.memory().numTensors;
      const blocks = createConvBlocks({ weights });
      const features = convFeatures({ blocks, data: maps, count, shape, pooling: 'flatten' });
      const values = features.dataSync() as Float32Array;
      features.dispose();
      const roundTrip = readConvBlocks(blocks);
      blocks.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const expected = (await full).features!;
      expect(expected.dims).toEqual([count, 32, 1, 1]);
      expect(maxDiff(values, expected.data)).toBeLessThan(1e-4);
      expect(Math.max(...values)).toBeGreaterThan(0.1);
      roundTrip.forEach((block, b) =>
        block.convs.forEach((conv, c) =>
          expect(Array.from(conv.kernel)).toEqual(Array.from(weights[b]!.convs[c]!.kernel)),
        ),
      );
    });
  }

  it('flatten in C·H·W order, as the frozen path flattens NCHW outputs', async () => {
    const frozen = sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block: 2 });
    const out = await runOnnxGraph({
      bytes: frozen.bytes,
      feeds: { input: { data: image, dims: [count, 3, 32, 32] } },
    });
    const maps = out.block2_pool!.data;
    const weights = readConvBlockWeights({ bytes: micro.bytes, fromBlock: 3 }).slice(0, 1);
    const sliced3 = sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block: 3 });
    const expected = (
      await runOnnxGraph({
        bytes: sliced3.bytes,
        feeds: { input: { data: image, dims: [count, 3, 32, 32] } },
      })
    ).block3_pool!;
    expect(expected.dims).toEqual([count, 16, 4, 4]);
    const blocks = createConvBlocks({ weights });
    const features = convFeatures({ blocks, data: maps, count, shape: [8, 8, 8], pooling: 'flatten' });
    expect(features.shape).toEqual([count, 256]);
    expect(maxDiff(features.dataSync() as Float32Array, expected.data)).toBeLessThan(1e-4);
    const avg = convFeatures({ blocks, data: maps, count, shape: [8, 8, 8], pooling: 'avg' });
    const channel0 = expected.data.subarray(0, 16).reduce((a, b) => a + b, 0) / 16;
    expect(avg.dataSync()[0]).toBeCloseTo(channel0, 4);
    tf.dispose([features, avg]);
    blocks.dispose();
  });
});

describe('heNormalConvBlocks', () => {
  it('draws the weights of the seeded random backbone for blocks 1–5', () => {
    const drawn = heNormalConvBlocks({
      layouts: convBlockLayouts({ spec: micro.spec, fromBlock: 1 }),
      seed: 21,
    });
    const read = readConvBlockWeights({ bytes: micro.bytes, fromBlock: 1 });
    expect(drawn.flatMap((b) => b.convs.map((c) => c.name))).toEqual(
      read.flatMap((b) => b.convs.map((c) => c.name)),
    );
    drawn.forEach((block, b) =>
      block.convs.forEach((conv, c) => {
        expect(Array.from(conv.kernel)).toEqual(Array.from(read[b]!.convs[c]!.kernel));
        expect(conv.bias.every((v) => v === 0)).toBe(true);
      }),
    );
  });

  it('lays out later blocks from the spec: channels chain from the block before', () => {
    expect(convBlockLayouts({ spec: micro.spec, fromBlock: 4 })).toEqual([
      {
        name: 'block4',
        convs: [16, 32, 32].map((inChannels, i) => ({
          name: `block4_conv${i + 1}`,
          inChannels,
          outChannels: 32,
        })),
      },
      {
        name: 'block5',
        convs: [1, 2, 3].map((i) => ({ name: `block5_conv${i}`, inChannels: 32, outChannels: 32 })),
      },
    ]);
  });
});

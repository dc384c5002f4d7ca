import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../backbone/build-vgg-onnx.ts';
import { inspectVggGraph } from '../backbone/onnx-graph.ts';
import { sliceAfterBlock } from '../backbone/truncate-graph.ts';
import { isHeadstartError } from '../errors.ts';
import { poolFeatures, type Pooling } from '../features/pooling.ts';
import { convBlockLayouts, heNormalConvBlocks } from '../finetune/conv-block-weights.ts';
import { convFeatures, readConvBlocks } from '../finetune/conv-blocks.ts';
import { predictFinetune } from '../finetune/finetune-model.ts';
import { arrayMapSource } from '../finetune/map-source.ts';
import { readConvBlockWeights } from '../finetune/onnx-conv-weights.ts';
import { syntheticImages } from '../finetune/synthetic-images.ts';
import { trainFinetune } from '../finetune/train-finetune.ts';
import { parseHeadSpec } from '../head/head-spec.ts';
import { predictProbabilities } from '../head/predict-head.ts';
import { trainHead } from '../head/train-head.ts';
import { runOnnxGraph } from '../node/finetune/run-onnx-graph.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { exportOnnx, mergeConvBlocks } from './export-onnx.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 42 } });
const images = syntheticImages({ task: 'corners', count: 24, size: 32, seed: 4 });
const feeds = { input: { data: images.data, dims: [24, 3, 32, 32] } };
const head = parseHeadSpec({ value: 'mlp:12/relu,8/sigmoid,6/tanh@0.2' });

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
}

async function exported(
  bytes: Uint8Array,
  data = images.data,
  dims = feeds.input.dims,
): Promise<Float32Array> {
  const out = await runOnnxGraph({ bytes, feeds: { input: { data, dims } } });
  expect(Object.keys(out)).toEqual(['probabilities']);
  return out.probabilities!.data;
}

beforeAll(async () => {
  expect((await initTfjs({ backend: 'wasm' })).backend).toBe('wasm');
});

describe('exportOnnx, scenario 1 (frozen backbone + head)', () => {
  for (const pooling of ['flatten', 'avg', 'max'] as Pooling[]) {
    it(`matches the tf.js head on ORT features within 1e-4 (${pooling} pooling)`, async () => {
      const block = pooling === 'flatten' ? 3 : 5;
      const backbone = block === 5 ? micro : sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block });
      const maps = (await runOnnxGraph({ bytes: backbone.bytes, feeds }))[backbone.spec.outputName]!;
      const shape = maps.dims.slice(1) as [number, number, number];
      const features = poolFeatures({ output: maps.data, count: 24, shape, layout: 'nchw', pooling });
      const dim = features.length / 24;
      const trained = await trainHead({
        train: { features, labels: images.labels, dim },
        spec: head,
        numClasses: 2,
        epochs: 2,
        batchSize: 8,
      });
      const expected = await predictProbabilities({ head: trained, features, count: 24 });
      const graph = exportOnnx({ backbone, pooling, head: trained });
      expect(graph.numClasses).toBe(2);
      const got = await exported(graph.bytes);
      expect(maxDiff(got, expected)).toBeLessThan(1e-4);
      expect(got.some((p) => p > 0.01 && p < 0.99)).toBe(true);
      trained.model.dispose();
    });
  }
});

describe('exportOnnx, fine-tuned', () => {
  it('partial: frozen blocks 1–3, retrained blocks 4–5 and the head in one graph, within 1e-4 of tf.js', async () => {
    const frozen = sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block: 3 });
    const maps = (await runOnnxGraph({ bytes: frozen.bytes, feeds })).block3_pool!;
    const train = arrayMapSource({ data: maps.data, shape: [16, 4, 4], labels: images.labels });
    const blocks = readConvBlockWeights({ bytes: micro.bytes, fromBlock: 4 });
    const result = await trainFinetune({
      train,
      blocks,
      spec: head,
      numClasses: 2,
      epochs: 2,
      warmupEpochs: 1,
      batchSize: 8,
      learningRateBackbone: 1e-2,
    });
    const trainedBlocks = readConvBlocks(result.model.blocks);
    expect(trainedBlocks[0]!.convs[0]!.kernel).not.toEqual(blocks[0]!.convs[0]!.kernel);
    const expected = await predictFinetune({ model: result.model, data: maps.data, count: 24 });
    const graph = exportOnnx({
      backbone: micro,
      blocks: trainedBlocks,
      pooling: 'flatten',
      head: result.model.head,
    });
    expect(maxDiff(await exported(graph.bytes), expected)).toBeLessThan(1e-4);

    const merged = mergeConvBlocks({ backbone: micro, blocks: trainedBlocks });
    expect(inspectVggGraph({ bytes: merged.bytes }).blocks).toHaveLength(5);
    expect(merged.spec).toMatchObject({
      arch: 'vgg16-micro',
      outputName: 'features',
      outputChannels: 32,
      downsample: 32,
    });
    expect(merged.spec.id).toMatch(/^vgg16-micro-random-s42-ft-[0-9a-f]{8}$/);
    const features = (await runOnnxGraph({ bytes: merged.bytes, feeds })).features!;
    const tfFeatures = convFeatures({
      blocks: result.model.blocks,
      data: maps.data,
      count: 24,
      shape: [16, 4, 4],
      pooling: 'flatten',
    });
    expect(maxDiff(features.data, tfFeatures.dataSync() as Float32Array)).toBeLessThan(1e-4);
    tfFeatures.dispose();
    result.model.dispose();
  });

  it('scratch: every block retrained, the graph reads images directly', async () => {
    const spec = buildVggOnnx({ arch: 'vgg16-micro-b3', weights: { kind: 'random', seed: 1 } }).spec;
    const small = syntheticImages({ task: 'bars', count: 16, size: 16, seed: 2 });
    const train = arrayMapSource(small);
    const blocks = heNormalConvBlocks({ layouts: convBlockLayouts({ spec, fromBlock: 1 }), seed: 3 });
    const result = await trainFinetune({
      train,
      blocks,
      spec: head,
      numClasses: 2,
      epochs: 2,
      warmupEpochs: 0,
      batchSize: 8,
      pooling: 'avg',
    });
    const expected = await predictFinetune({ model: result.model, data: small.data, count: 16 });
    const graph = exportOnnx({
      blocks: readConvBlocks(result.model.blocks),
      pooling: 'avg',
      head: result.model.head,
    });
    expect(maxDiff(await exported(graph.bytes, small.data, [16, 3, 16, 16]), expected)).toBeLessThan(1e-4);
    result.model.dispose();
  });

  it('refuses a head that does not fit the conv base, and retrained blocks without their frozen part', async () => {
    const before = tf.memory().numTensors;
    const features = new Float32Array(4 * 10).fill(1);
    const trained = await trainHead({
      train: { features, labels: Int32Array.from([0, 1, 0, 1]), dim: 10 },
      spec: head,
      numClasses: 2,
      epochs: 1,
    });
    const blocks = readConvBlockWeights({ bytes: micro.bytes, fromBlock: 4 });
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const mismatch = errorOf(() => exportOnnx({ backbone: micro, pooling: 'avg', head: trained }));
    expect(isHeadstartError(mismatch, 'BUNDLE_BACKBONE_MISMATCH')).toBe(true);
    expect((mismatch as Error).message).toBe(
      "The head takes 10 features but avg pooling of the conv base's 32 channels cannot give that many.",
    );
    const missing = errorOf(() => exportOnnx({ blocks, pooling: 'avg', head: trained }));
    expect((missing as Error).message).toBe(
      'Exporting blocks from block4 needs the backbone graph it was trained on.',
    );
    trained.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

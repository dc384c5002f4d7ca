import * as tf from '@tensorflow/tfjs-core';
import type { Pooling } from '../features/pooling.ts';
import { headVariables, type DenseVariables } from '../head/build-head.ts';
import type { FeatureStandardizer } from '../head/feature-standardizer.ts';
import { crossEntropyPerSample, headLogits } from '../head/head-forward.ts';
import type { HeadSpec } from '../head/head-spec.ts';
import type { HeadModel } from '../head/predict-head.ts';
import { convBlocksForward, poolMaps, type ConvBlocks } from './conv-blocks.ts';
import { mapSize, type MapSource } from './map-source.ts';

/**
 * A fine-tuned classifier in tf.js: trainable conv blocks, pooling, the standardizer fixed before
 * training, and a head. Its input is what the frozen part returns (NCHW maps), or images for scratch/full.
 */
export interface FinetuneModel {
  blocks: ConvBlocks;
  /** The head model and the standardizer applied to the pooled block output before it. */
  head: HeadModel;
  headSpec: HeadSpec;
  pooling: Pooling;
  /** [C, H, W] of one input. */
  inputShape: [number, number, number];
  dispose(): void;
}

/**
 * Pre-softmax outputs for a batch of NCHW inputs `x`, from the variables so gradients reach them;
 * `masks` applies the head's training-time dropout.
 */
export function finetuneLogits(options: {
  model: FinetuneModel;
  x: tf.Tensor4D;
  headVars?: DenseVariables[];
  masks?: (Float32Array | undefined)[];
}): tf.Tensor2D {
  const { model, x, masks } = options;
  const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
  let features = poolMaps({
    x: convBlocksForward({ blocks: model.blocks, x: nhwc }),
    pooling: model.pooling,
  });
  features = standardize(features, model.head.standardizer);
  const variables = options.headVars ?? headVariables(model.head.model);
  return headLogits({ spec: model.headSpec, variables, x: features, ...(masks ? { masks } : {}) });
}

function standardize(features: tf.Tensor2D, standardizer: FeatureStandardizer | undefined): tf.Tensor2D {
  if (!standardizer) return features;
  return tf.div(
    tf.sub(features, tf.tensor1d(standardizer.mean)),
    tf.tensor1d(standardizer.std),
  ) as tf.Tensor2D;
}

/** Pooled block outputs (before the standardizer) of a batch of NCHW inputs, as rows. */
export function blockFeatures(options: {
  model: Pick<FinetuneModel, 'blocks' | 'pooling' | 'inputShape'>;
  data: Float32Array;
  count: number;
}): Float32Array {
  const { model, data, count } = options;
  const out = tf.tidy(() => {
    const x = tf.transpose(tf.tensor4d(data, [count, ...model.inputShape]), [0, 2, 3, 1]) as tf.Tensor4D;
    return poolMaps({ x: convBlocksForward({ blocks: model.blocks, x }), pooling: model.pooling });
  });
  const rows = out.dataSync() as Float32Array;
  out.dispose();
  return rows;
}

/** Class probabilities (count × classes) of `count` NCHW inputs, in batches of `batchSize`. */
export async function predictFinetune(options: {
  model: FinetuneModel;
  data: Float32Array;
  count: number;
  batchSize?: number;
}): Promise<Float32Array> {
  const { model, data, count } = options;
  const batchSize = options.batchSize ?? 64;
  const size = mapSize(model.inputShape);
  const headVars = headVariables(model.head.model);
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(data.subarray(start * size, (start + n) * size), [n, ...model.inputShape]);
      return tf.softmax(finetuneLogits({ model, x, headVars }));
    });
    parts.push((await probs.data()) as Float32Array);
    probs.dispose();
  }
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Mean cross-entropy and accuracy over every sample of `source`, without dropout or augmentation. */
export async function evaluateFinetune(options: {
  model: FinetuneModel;
  source: MapSource;
  numClasses: number;
  batchSize?: number;
}): Promise<{ loss: number; accuracy: number }> {
  const { model, source, numClasses } = options;
  const batchSize = options.batchSize ?? 64;
  const headVars = headVariables(model.head.model);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < source.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, source.count - start) }, (_, i) => start + i);
    const data = await source.getBatch(indices);
    const labels = source.labels.subarray(start, start + indices.length);
    const [lossT, hitsT] = tf.tidy(() => {
      const x = tf.tensor4d(data, [indices.length, ...source.shape]);
      const y = tf.tensor1d(labels, 'int32');
      const logits = finetuneLogits({ model, x, headVars });
      const loss = tf.sum(crossEntropyPerSample({ logits, labels: y, numClasses }));
      return [loss, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32'))];
    });
    lossSum += (await lossT.data())[0] as number;
    correct += (await hitsT.data())[0] as number;
    lossT.dispose();
    hitsT.dispose();
  }
  return { loss: lossSum / source.count, accuracy: correct / source.count };
}

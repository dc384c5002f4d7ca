import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../random.ts';
import type { DenseVariables } from './build-head.ts';
import type { HeadActivation, HeadSpec } from './head-spec.ts';

const ACTIVATIONS: Record<HeadActivation, (x: tf.Tensor2D) => tf.Tensor2D> = {
  relu: (x) => tf.relu(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  linear: (x) => x,
};

/**
 * Inverted-dropout masks for one batch, drawn from `random`: 0 for a dropped unit, 1/(1-rate) for a kept
 * one; undefined for layers without dropout. tf.js' own Dropout either reuses one mask for a fixed seed
 * or draws from Math.random, so neither gives a reproducible, varying mask.
 */
export function drawDropoutMasks(options: {
  spec: HeadSpec;
  batchSize: number;
  random: Random;
}): (Float32Array | undefined)[] {
  const { spec, batchSize, random } = options;
  return spec.layers.map((layer) => {
    if (layer.dropout <= 0) return undefined;
    const keep = 1 / (1 - layer.dropout);
    const mask = new Float32Array(batchSize * layer.units);
    for (let i = 0; i < mask.length; i++) mask[i] = random.next() < layer.dropout ? 0 : keep;
    return mask;
  });
}

/**
 * The head's pre-softmax outputs for a batch `x`, computed from its variables so gradients reach them.
 * `masks` (from drawDropoutMasks) applies training-time dropout after each hidden layer.
 */
export function headLogits(options: {
  spec: HeadSpec;
  variables: DenseVariables[];
  x: tf.Tensor2D;
  masks?: (Float32Array | undefined)[];
}): tf.Tensor2D {
  const { spec, variables, x, masks } = options;
  let h = x;
  const batchSize = x.shape[0];
  variables.forEach((layer, i) => {
    let z = tf.add(tf.matMul(h, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
    const hidden = spec.layers[i];
    if (hidden) {
      z = ACTIVATIONS[hidden.activation](z);
      const mask = masks?.[i];
      if (mask) z = tf.mul(z, tf.tensor2d(mask, [batchSize, hidden.units]));
    }
    h = z;
  });
  return h;
}

/** Per-sample cross-entropy of softmax(logits) against integer labels (a [batch] tensor). */
export function crossEntropyPerSample(options: {
  logits: tf.Tensor2D;
  labels: tf.Tensor1D;
  numClasses: number;
}): tf.Tensor1D {
  const { logits, labels, numClasses } = options;
  const oneHot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
}

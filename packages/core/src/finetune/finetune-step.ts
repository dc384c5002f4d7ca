import * as tf from '@tensorflow/tfjs-core';
import type { DenseVariables } from '../head/build-head.ts';
import { crossEntropyPerSample } from '../head/head-forward.ts';
import { finetuneLogits, type FinetuneModel } from './finetune-model.ts';

function pick(grads: tf.NamedTensorMap, variables: readonly tf.Variable[]): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const v of variables) {
    const g = grads[v.name];
    if (g) out[v.name] = g;
  }
  return out;
}

/**
 * One step on one batch: gradients of the (class-weighted) mean cross-entropy for the head and, unless
 * `convVariables` is empty (warm-up), the conv blocks, each applied by its own optimizer so the blocks
 * can learn more slowly than the head. Returns the batch loss and correct argmax predictions.
 */
export function finetuneStep(options: {
  model: FinetuneModel;
  headVars: DenseVariables[];
  headVariables: tf.Variable[];
  convVariables: tf.Variable[];
  headOptimizer: tf.Optimizer;
  convOptimizer: tf.Optimizer;
  data: Float32Array;
  labels: Int32Array;
  masks: (Float32Array | undefined)[];
  numClasses: number;
  classWeights?: Float32Array;
}): { loss: number; correct: number } {
  const { model, headVars, headVariables, convVariables, labels, masks, numClasses, classWeights } = options;
  let hits: tf.Scalar | undefined;
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(options.data, [labels.length, ...model.inputShape]);
    const y = tf.tensor1d(labels, 'int32');
    const sampleWeights = classWeights
      ? tf.tensor1d(Float32Array.from(labels, (label) => classWeights[label] as number))
      : undefined;
    return tf.variableGrads(() => {
      const logits = finetuneLogits({ model, x, headVars, masks });
      hits = tf.keep(tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32')));
      const perSample = crossEntropyPerSample({ logits, labels: y, numClasses });
      return tf.mean(sampleWeights ? tf.mul(perSample, sampleWeights) : perSample) as tf.Scalar;
    }, [...headVariables, ...convVariables]);
  });
  options.headOptimizer.applyGradients(pick(grads, headVariables));
  if (convVariables.length > 0) options.convOptimizer.applyGradients(pick(grads, convVariables));
  const loss = value.dataSync()[0] as number;
  const correct = hits?.dataSync()[0] ?? 0;
  value.dispose();
  tf.dispose(grads);
  hits?.dispose();
  return { loss, correct };
}

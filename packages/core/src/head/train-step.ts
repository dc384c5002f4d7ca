import * as tf from '@tensorflow/tfjs-core';
import type { DenseVariables } from './build-head.ts';
import { crossEntropyPerSample, headLogits } from './head-forward.ts';
import type { HeadSpec } from './head-spec.ts';

/**
 * One Adam step on one batch, inside its own tidy scope: the mean of per-sample cross-entropy, each sample
 * weighted by its class weight as Keras' class_weight does. Returns the batch loss and the number of
 * correct (argmax) predictions, both measured in the same forward pass, with dropout.
 */
export function trainStep(options: {
  spec: HeadSpec;
  variables: DenseVariables[];
  flatVariables: tf.Variable[];
  optimizer: tf.Optimizer;
  features: Float32Array;
  labels: Int32Array;
  masks: (Float32Array | undefined)[];
  numClasses: number;
  classWeights?: Float32Array;
}): { loss: number; correct: number } {
  const { spec, variables, flatVariables, optimizer, features, labels, masks, numClasses, classWeights } =
    options;
  let hits: tf.Scalar | undefined;
  const cost = tf.tidy(() => {
    const x = tf.tensor2d(features, [labels.length, features.length / labels.length]);
    const y = tf.tensor1d(labels, 'int32');
    const sampleWeights = classWeights
      ? tf.tensor1d(Float32Array.from(labels, (label) => classWeights[label] as number))
      : undefined;
    return optimizer.minimize(
      () => {
        const logits = headLogits({ spec, variables, x, masks });
        hits = tf.keep(tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32')));
        const perSample = crossEntropyPerSample({ logits, labels: y, numClasses });
        return tf.mean(sampleWeights ? tf.mul(perSample, sampleWeights) : perSample) as tf.Scalar;
      },
      true,
      flatVariables,
    ) as tf.Scalar;
  });
  const loss = cost.dataSync()[0] as number;
  const correct = hits?.dataSync()[0] ?? 0;
  cost.dispose();
  hits?.dispose();
  return { loss, correct };
}

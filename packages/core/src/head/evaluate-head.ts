import * as tf from '@tensorflow/tfjs-core';
import type { DenseVariables } from './build-head.ts';
import { applyStandardizer, type FeatureStandardizer } from './feature-standardizer.ts';
import type { FeatureSource } from './feature-source.ts';
import { crossEntropyPerSample, headLogits } from './head-forward.ts';
import type { HeadSpec } from './head-spec.ts';

const EVAL_BATCH = 1024;

/** Mean (unweighted) cross-entropy and accuracy of a head over every row of `source`, without dropout. */
export async function evaluateHead(options: {
  spec: HeadSpec;
  variables: DenseVariables[];
  source: FeatureSource;
  numClasses: number;
  standardizer?: FeatureStandardizer;
}): Promise<{ loss: number; accuracy: number }> {
  const { spec, variables, source, numClasses, standardizer } = options;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < source.count; start += EVAL_BATCH) {
    const indices = Array.from({ length: Math.min(EVAL_BATCH, source.count - start) }, (_, i) => start + i);
    const raw = await source.getBatch(indices);
    const features = standardizer ? applyStandardizer({ standardizer, features: raw }) : raw;
    const labels = source.labels.subarray(start, start + indices.length);
    const [lossT, correctT] = tf.tidy(() => {
      const x = tf.tensor2d(features, [indices.length, source.dim]);
      const y = tf.tensor1d(labels, 'int32');
      const logits = headLogits({ spec, variables, x });
      const loss = tf.sum(crossEntropyPerSample({ logits, labels: y, numClasses }));
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32'));
      return [loss, hits];
    });
    lossSum += (await lossT.data())[0] as number;
    correct += (await correctT.data())[0] as number;
    lossT.dispose();
    correctT.dispose();
  }
  return { loss: lossSum / source.count, accuracy: correct / source.count };
}

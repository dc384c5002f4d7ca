import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { HeadstartError } from '../errors.ts';
import { headShape } from './build-head.ts';
import { applyStandardizer, type FeatureStandardizer } from './feature-standardizer.ts';

/** A trained head as prediction needs it: the model and the standardizer it was trained behind. */
export interface HeadModel {
  model: tfl.LayersModel;
  standardizer?: FeatureStandardizer;
}

const PREDICT_BATCH = 1024;

/**
 * Class probabilities for `count` rows of features (row-major, count × inputDim), as count × classes.
 * The head's standardizer, when it has one, is applied first; rows go through in bounded batches.
 */
export async function predictProbabilities(options: {
  head: HeadModel;
  features: Float32Array;
  count: number;
}): Promise<Float32Array> {
  const { head, features, count } = options;
  const { inputDim, numClasses } = headShape(head.model);
  if (!Number.isInteger(count) || count < 0 || features.length !== count * inputDim) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Features hold ${features.length} values but ${count} rows of the head's input dim ${inputDim} need ${count * inputDim}.`,
    );
  }
  const standardized = head.standardizer
    ? applyStandardizer({ standardizer: head.standardizer, features })
    : features;
  const out = new Float32Array(count * numClasses);
  for (let start = 0; start < count; start += PREDICT_BATCH) {
    const rows = Math.min(PREDICT_BATCH, count - start);
    const batch = standardized.subarray(start * inputDim, (start + rows) * inputDim);
    const probabilities = tf.tidy(
      () => head.model.predict(tf.tensor2d(batch, [rows, inputDim])) as tf.Tensor,
    );
    out.set(await probabilities.data(), start * numClasses);
    probabilities.dispose();
  }
  return out;
}

/** The most likely class of each row of a count × numClasses probability matrix. */
export function argMaxRows(options: { probabilities: Float32Array; numClasses: number }): Int32Array {
  const { probabilities, numClasses } = options;
  const count = Math.floor(probabilities.length / numClasses);
  const out = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if ((probabilities[r * numClasses + c] as number) > (probabilities[r * numClasses + best] as number))
        best = c;
    }
    out[r] = best;
  }
  return out;
}

export interface RankedLabel {
  label: string;
  index: number;
  probability: number;
}

/**
 * The `k` most probable labels of one row (`row`, default 0) of a probability matrix with one column per
 * label, most probable first; ties keep label order.
 */
export function topK(options: {
  probabilities: Float32Array;
  labels: readonly string[];
  k: number;
  row?: number;
}): RankedLabel[] {
  const { probabilities, labels, k, row = 0 } = options;
  const offset = row * labels.length;
  if (offset + labels.length > probabilities.length || row < 0) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Row ${row} is outside probabilities of ${probabilities.length / labels.length} rows of ${labels.length} labels.`,
    );
  }
  return labels
    .map((label, index) => ({ label, index, probability: probabilities[offset + index] as number }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, Math.max(0, k));
}

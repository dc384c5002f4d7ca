import { HeadstartError } from '../errors.ts';

/**
 * Balanced class weights, n / (k · count) per class as in scikit-learn, so each class contributes equally
 * to the loss whatever its size. A class absent from `labels` gets the neutral weight 1.
 */
export function balancedClassWeights(options: { labels: Int32Array; numClasses: number }): Float32Array {
  const { labels, numClasses } = options;
  const counts = new Float64Array(numClasses);
  for (const label of labels) {
    if (label < 0 || label >= numClasses) {
      throw new HeadstartError('INVALID_OPTION', `Label ${label} is outside 0..${numClasses - 1}.`);
    }
    counts[label] = (counts[label] as number) + 1;
  }
  const weights = new Float32Array(numClasses);
  counts.forEach((count, c) => {
    weights[c] = count > 0 ? labels.length / (numClasses * count) : 1;
  });
  return weights;
}

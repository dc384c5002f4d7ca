import type { HeadModel } from '../head/predict-head.ts';
import { argMaxRows, predictProbabilities } from '../head/predict-head.ts';
import type { FeatureSource } from '../head/feature-source.ts';
import { classificationReport, type ClassificationReport } from '../metrics/classification-report.ts';

/** A head's figures on one labelled feature set. */
export interface Evaluation {
  accuracy: number;
  /** Mean categorical cross-entropy. */
  loss: number;
  report: ClassificationReport;
}

const ROWS_PER_PASS = 2048;

/**
 * Runs the head on features with known labels and reports accuracy, loss (mean cross-entropy, with
 * probabilities clipped at 1e-7 as Keras does) and per-class figures. Features come as an array or, for
 * data larger than memory, as a FeatureSource read in passes.
 */
export async function evaluateFeatures(options: {
  head: HeadModel;
  features: Float32Array | FeatureSource;
  labels: Int32Array;
  names: string[];
}): Promise<Evaluation> {
  const { head, labels, names } = options;
  const source = options.features instanceof Float32Array ? undefined : options.features;
  const array = source ? undefined : (options.features as Float32Array);
  const dim = source ? source.dim : (array?.length ?? 0) / Math.max(1, labels.length);
  const predicted = new Int32Array(labels.length);
  let loss = 0;
  for (let start = 0; start < labels.length; start += ROWS_PER_PASS) {
    const count = Math.min(ROWS_PER_PASS, labels.length - start);
    const rows = Array.from({ length: count }, (_, i) => start + i);
    const features = source
      ? await source.getBatch(rows)
      : (array as Float32Array).subarray(start * dim, (start + count) * dim);
    const probabilities = await predictProbabilities({ head, features, count });
    predicted.set(argMaxRows({ probabilities, numClasses: names.length }), start);
    for (let i = 0; i < count; i++) {
      loss -= Math.log(Math.max(probabilities[i * names.length + (labels[start + i] as number)] ?? 0, 1e-7));
    }
  }
  const report = classificationReport({ labels: names, actual: labels, predicted });
  return { accuracy: report.accuracy, loss: labels.length ? loss / labels.length : 0, report };
}

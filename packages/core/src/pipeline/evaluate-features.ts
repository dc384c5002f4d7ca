import type { HeadModel } from '../head/predict-head.ts';
import { argMaxRows, predictProbabilities } from '../head/predict-head.ts';
import { classificationReport, type ClassificationReport } from '../metrics/classification-report.ts';

/** A head's figures on one labelled feature set. */
export interface Evaluation {
  accuracy: number;
  /** Mean categorical cross-entropy. */
  loss: number;
  report: ClassificationReport;
}

/** Runs the head on features with known labels and reports accuracy, loss and per-class figures. */
export async function evaluateFeatures(options: {
  head: HeadModel;
  features: Float32Array;
  labels: Int32Array;
  names: string[];
}): Promise<Evaluation> {
  const { head, features, labels, names } = options;
  const probabilities = await predictProbabilities({ head, features, count: labels.length });
  const predicted = argMaxRows({ probabilities, numClasses: names.length });
  let loss = 0;
  labels.forEach((label, i) => {
    loss -= Math.log(Math.max(probabilities[i * names.length + label] ?? 0, 1e-7));
  });
  const report = classificationReport({ labels: names, actual: labels, predicted });
  return { accuracy: report.accuracy, loss: labels.length ? loss / labels.length : 0, report };
}

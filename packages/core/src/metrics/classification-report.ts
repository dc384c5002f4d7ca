import { HeadstartError } from '../errors.ts';

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of samples whose actual class this is. */
  support: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationReport {
  labels: string[];
  total: number;
  accuracy: number;
  /** confusion[actual][predicted] = count. */
  confusion: number[][];
  perClass: ClassMetrics[];
  /** Unweighted mean over classes. */
  macro: AveragedMetrics;
  /** Mean over classes weighted by support. */
  weighted: AveragedMetrics;
}

/** a / b, or 0 where b is 0 (a class never predicted or never present), so reports hold no NaN. */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * Accuracy, confusion matrix and per-class precision, recall and F1 with macro and weighted averages, as
 * scikit-learn's classification_report defines them (undefined ratios count as 0).
 */
export function classificationReport(options: {
  labels: readonly string[];
  actual: Int32Array;
  predicted: Int32Array;
}): ClassificationReport {
  const { actual, predicted } = options;
  const labels = [...options.labels];
  const k = labels.length;
  if (actual.length !== predicted.length) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `There are ${actual.length} actual classes but ${predicted.length} predictions.`,
    );
  }
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    if (!(a >= 0 && a < k && p >= 0 && p < k)) {
      throw new HeadstartError('INVALID_OPTION', `Sample ${i} has class ${a} → ${p}, outside 0..${k - 1}.`);
    }
    (confusion[a] as number[])[p] = ((confusion[a] as number[])[p] as number) + 1;
  }
  const total = actual.length;
  let correct = 0;
  const perClass = labels.map((label, c): ClassMetrics => {
    const row = confusion[c] as number[];
    const tp = row[c] as number;
    correct += tp;
    const support = row.reduce((s, v) => s + v, 0);
    const predictedAs = confusion.reduce((s, r) => s + (r[c] as number), 0);
    const precision = ratio(tp, predictedAs);
    const recall = ratio(tp, support);
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const average = (weight: (m: ClassMetrics) => number): AveragedMetrics => {
    const sum = perClass.reduce((s, m) => s + weight(m), 0);
    const mean = (pick: (m: ClassMetrics) => number) =>
      ratio(
        perClass.reduce((s, m) => s + pick(m) * weight(m), 0),
        sum,
      );
    return { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1) };
  };
  return {
    labels,
    total,
    accuracy: ratio(correct, total),
    confusion,
    perClass,
    macro: average(() => 1),
    weighted: average((m) => m.support),
  };
}

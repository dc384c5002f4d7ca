import { HeadstartError } from '../errors.ts';
import { createRandom, shuffleInPlace } from '../random.ts';

/** Per-sample labels: names, or class indices in any integer array. */
export type SampleLabels = readonly string[] | ArrayLike<number>;

export interface StratifiedSplitOptions {
  labels: SampleLabels;
  /** Share of each class held out for validation, in (0, 1). */
  valFraction?: number;
  seed?: number;
}

/** Sample indices of the two parts, each in ascending order. */
export interface Split {
  train: number[];
  val: number[];
}

function compareKeys(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups sample indices by label; the groups come in sorted label order, indices ascending in each. */
function groupByLabel(labels: SampleLabels): Map<string | number, number[]> {
  const groups = new Map<string | number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as string | number;
    let group = groups.get(label);
    if (group === undefined) groups.set(label, (group = []));
    group.push(i);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => compareKeys(a, b)));
}

/** Number of samples per label, keys in sorted label order. */
export function classCounts(labels: SampleLabels): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [label, indices] of groupByLabel(labels)) counts[String(label)] = indices.length;
  return counts;
}

/**
 * Splits sample indices into train and validation per class: each class's indices are shuffled with one
 * seeded generator (classes visited in sorted label order) and round(n × valFraction) of them, at least 1
 * and at most n − 1, go to validation. The same labels and seed give the same split on every platform.
 */
export function stratifiedSplit({ labels, valFraction = 0.3, seed = 42 }: StratifiedSplitOptions): Split {
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Validation fraction ${String(valFraction)} is not valid; use a number between 0 and 1 (exclusive), e.g. 0.3.`,
    );
  }
  const groups = groupByLabel(labels);
  for (const [label, indices] of groups) {
    if (indices.length < 2) {
      throw new HeadstartError(
        'DATASET_TOO_SMALL',
        `Class "${String(label)}" has ${indices.length} sample; each class needs at least 2 to hold one out for validation.`,
      );
    }
  }
  const random = createRandom(seed);
  const train: number[] = [];
  const val: number[] = [];
  for (const indices of groups.values()) {
    const shuffled = shuffleInPlace([...indices], random);
    const n = shuffled.length;
    const valCount = Math.min(n - 1, Math.max(1, Math.round(n * valFraction)));
    // A loop, not push(...spread): a class may hold more indices than a call can take arguments.
    for (let i = 0; i < n; i++) (i < valCount ? val : train).push(shuffled[i] as number);
  }
  const ascending = (a: number, b: number): number => a - b;
  return { train: train.sort(ascending), val: val.sort(ascending) };
}

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

export interface StratifiedSubsetOptions {
  labels: SampleLabels;
  /** Samples to keep, in [number of classes × 2, labels.length]. */
  count: number;
  seed?: number;
}

/**
 * A seeded, stratified subset of exactly `count` sample indices (ascending): every class keeps its share,
 * so a quick run on part of a large dataset sees the same class balance as the whole. All of them when
 * `count` covers the dataset.
 */
export function stratifiedSubset({ labels, count, seed = 42 }: StratifiedSubsetOptions): number[] {
  const classes = Object.keys(classCounts(labels)).length;
  if (!Number.isInteger(count) || count < 2 * classes) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Subset size ${String(count)} is not valid; use a whole number of at least ${2 * classes} (2 per class).`,
    );
  }
  if (count >= labels.length) return Array.from({ length: labels.length }, (_, i) => i);
  // Largest-remainder quotas: each class gets its share of `count`, and the quotas add up to it exactly.
  const groups = [...groupByLabel(labels).values()];
  const exact = groups.map((indices) => (indices.length * count) / labels.length);
  const quotas = exact.map(Math.floor);
  const byRemainder = exact
    .map((value, g) => ({ g, remainder: value - (quotas[g] as number) }))
    .sort((a, b) => b.remainder - a.remainder || a.g - b.g);
  for (let k = 0; k < count - quotas.reduce((sum, q) => sum + q, 0); k++) {
    const g = (byRemainder[k] as { g: number }).g;
    quotas[g] = (quotas[g] as number) + 1;
  }
  const random = createRandom(seed);
  const kept: number[] = [];
  groups.forEach((indices, g) => {
    const shuffled = shuffleInPlace([...indices], random);
    for (let i = 0; i < (quotas[g] as number); i++) kept.push(shuffled[i] as number);
  });
  return kept.sort((a, b) => a - b);
}

import { describe, expect, test } from 'vitest';
import { classCounts, stratifiedSplit, stratifiedSubset } from './split.ts';

/** 100 "a", 50 "b", 10 "c", interleaved so that class membership is not contiguous. */
const labels = Array.from({ length: 160 }, (_, i) => (i % 16 === 0 ? 'c' : i % 16 < 6 ? 'b' : 'a'));

describe('stratifiedSplit', () => {
  test('holds out round(n × valFraction) of every class', () => {
    expect(classCounts(labels)).toEqual({ a: 100, b: 50, c: 10 });
    const { train, val } = stratifiedSplit({ labels });
    expect(classCounts(val.map((i) => labels[i] as string))).toEqual({ a: 30, b: 15, c: 3 });
    expect(classCounts(train.map((i) => labels[i] as string))).toEqual({ a: 70, b: 35, c: 7 });
    expect([...train, ...val].sort((x, y) => x - y)).toEqual(labels.map((_, i) => i));
    expect(train).toEqual([...train].sort((x, y) => x - y));
    const tenth = stratifiedSplit({ labels, valFraction: 0.1 });
    expect(classCounts(tenth.val.map((i) => labels[i] as string))).toEqual({ a: 10, b: 5, c: 1 });
  });

  test('is deterministic for a seed and differs for another seed', () => {
    const a = stratifiedSplit({ labels, seed: 42 });
    expect(stratifiedSplit({ labels, seed: 42 })).toEqual(a);
    expect(stratifiedSplit({ labels, seed: 7 }).val).not.toEqual(a.val);
    // Fixed by the seeded generator; a change means saved splits no longer reproduce.
    expect(stratifiedSplit({ labels: ['x', 'y', 'x', 'y', 'x', 'y', 'x', 'y'], valFraction: 0.5 })).toEqual(
      SMALL_GOLDEN,
    );
  });

  test('keeps at least one sample on each side', () => {
    const { train, val } = stratifiedSplit({ labels: ['a', 'a', 'b', 'b', 'b'], valFraction: 0.05 });
    expect(val.length).toBe(2);
    expect(train.length).toBe(3);
    const most = stratifiedSplit({ labels: ['a', 'a', 'b', 'b'], valFraction: 0.95 });
    expect([most.train.length, most.val.length]).toEqual([2, 2]);
  });

  test('accepts integer class indices', () => {
    const indices = new Int32Array(labels.map((l) => (l === 'a' ? 0 : l === 'b' ? 1 : 2)));
    const byIndex = stratifiedSplit({ labels: indices });
    expect(byIndex).toEqual(stratifiedSplit({ labels }));
    expect(classCounts(indices)).toEqual({ 0: 100, 1: 50, 2: 10 });
  });

  test('a class with one sample is DATASET_TOO_SMALL naming it', () => {
    expect(() => stratifiedSplit({ labels: ['a', 'a', 'lonely'] })).toThrow(
      expect.objectContaining({
        code: 'DATASET_TOO_SMALL',
        message: expect.stringContaining('"lonely" has 1 sample'),
      }),
    );
  });

  test('valFraction must lie strictly between 0 and 1', () => {
    for (const valFraction of [0, 1, -0.2, 1.5, Number.NaN]) {
      expect(() => stratifiedSplit({ labels, valFraction })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    }
    expect(() => stratifiedSplit({ labels, valFraction: 1 })).toThrow(/Validation fraction 1 is not valid/);
  });
});

const SMALL_GOLDEN = { train: [1, 2, 4, 5], val: [0, 3, 6, 7] };

describe('stratifiedSubset', () => {
  const labels = [...new Array(600).fill('a'), ...new Array(300).fill('b'), ...new Array(100).fill('c')];

  test('keeps each class its share, is seeded, and returns ascending indices', () => {
    const subset = stratifiedSubset({ labels, count: 100, seed: 1 });
    expect(subset).toHaveLength(100);
    expect(classCounts(subset.map((i) => labels[i] as string))).toEqual({ a: 60, b: 30, c: 10 });
    expect(subset).toEqual([...subset].sort((x, y) => x - y));
    expect(stratifiedSubset({ labels, count: 100, seed: 1 })).toEqual(subset);
    expect(stratifiedSubset({ labels, count: 100, seed: 2 })).not.toEqual(subset);
  });

  test('keeps exactly the count asked for when shares do not divide evenly', () => {
    const uneven = [...new Array(7).fill('a'), ...new Array(7).fill('b'), ...new Array(7).fill('c')];
    const subset = stratifiedSubset({ labels: uneven, count: 10 });
    expect(subset).toHaveLength(10);
    expect(Object.values(classCounts(subset.map((i) => uneven[i] as string))).sort()).toEqual([3, 3, 4]);
    expect(stratifiedSubset({ labels, count: 601 })).toHaveLength(601);
  });

  test('returns everything when the count covers the dataset, and refuses too few', () => {
    expect(stratifiedSubset({ labels, count: 5000 })).toHaveLength(1000);
    expect(() => stratifiedSubset({ labels, count: 5 })).toThrow(
      'Subset size 5 is not valid; use a whole number of at least 6 (2 per class).',
    );
    expect(() => stratifiedSubset({ labels, count: 10.5 })).toThrow(/Subset size 10.5/);
  });
});

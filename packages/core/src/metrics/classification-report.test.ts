import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification-report.ts';

describe('classificationReport', () => {
  it('matches a hand-computed confusion matrix', () => {
    // actual:    a a a a b b b c c c
    // predicted: a a b c b b a c c b
    const labels = ['a', 'b', 'c'];
    const actual = new Int32Array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    const predicted = new Int32Array([0, 0, 1, 2, 1, 1, 0, 2, 2, 1]);
    const report = classificationReport({ labels, actual, predicted });
    expect(report.confusion).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 1, 2],
    ]);
    expect(report.total).toBe(10);
    expect(report.accuracy).toBeCloseTo(0.6, 12);
    const [a, b, c] = report.perClass;
    // a: tp 2, predicted 3, support 4 → p 2/3, r 1/2, f1 4/7
    expect(a).toEqual({
      label: 'a',
      precision: 2 / 3,
      recall: 0.5,
      f1: expect.closeTo(4 / 7, 12),
      support: 4,
    });
    // b: tp 2, predicted 4, support 3 → p 1/2, r 2/3, f1 4/7
    expect(b).toMatchObject({ precision: 0.5, recall: 2 / 3, support: 3 });
    expect(b?.f1).toBeCloseTo(4 / 7, 12);
    // c: tp 2, predicted 3, support 3 → p r f1 2/3
    expect(c?.f1).toBeCloseTo(2 / 3, 12);
    expect(report.macro.precision).toBeCloseTo((2 / 3 + 0.5 + 2 / 3) / 3, 12);
    expect(report.macro.recall).toBeCloseTo((0.5 + 2 / 3 + 2 / 3) / 3, 12);
    expect(report.weighted.recall).toBeCloseTo(0.6, 12);
    expect(report.weighted.f1).toBeCloseTo((4 * (4 / 7) + 3 * (4 / 7) + 3 * (2 / 3)) / 10, 12);
  });

  it('reports 0, never NaN, for classes never predicted or absent', () => {
    const report = classificationReport({
      labels: ['x', 'y', 'z'],
      actual: new Int32Array([0, 0, 1]),
      predicted: new Int32Array([0, 0, 0]),
    });
    expect(report.perClass[1]).toEqual({ label: 'y', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(report.perClass[2]).toEqual({ label: 'z', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(JSON.stringify(report)).not.toContain('null');
    const empty = classificationReport({
      labels: ['x', 'y'],
      actual: new Int32Array(),
      predicted: new Int32Array(),
    });
    expect(empty.accuracy).toBe(0);
    expect(empty.weighted).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('rejects mismatched or out-of-range classes', () => {
    expect(() =>
      classificationReport({ labels: ['x'], actual: new Int32Array([0]), predicted: new Int32Array([]) }),
    ).toThrow('There are 1 actual classes but 0 predictions.');
    expect(() =>
      classificationReport({
        labels: ['x', 'y'],
        actual: new Int32Array([0]),
        predicted: new Int32Array([2]),
      }),
    ).toThrow('Sample 0 has class 0 → 2, outside 0..1.');
  });
});

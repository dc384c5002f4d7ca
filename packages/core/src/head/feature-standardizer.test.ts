import { describe, expect, it } from 'vitest';
import { arrayFeatureSource } from './feature-source.ts';
import { applyStandardizer, fitStandardizer } from './feature-standardizer.ts';

describe('feature standardizer', () => {
  it('computes population mean and std, and leaves constant features at 0 instead of blowing up', async () => {
    // Columns: varying, constant 0 (a dead ReLU), constant 7, large mean with a small spread.
    const features = new Float32Array([
      1, 0, 7, 10000.5, 3, 0, 7, 10001.5, 5, 0, 7, 10000.5, 7, 0, 7, 10001.5,
    ]);
    const source = arrayFeatureSource({ features, labels: new Int32Array(4), dim: 4 });
    const standardizer = await fitStandardizer({ source });
    expect(Array.from(standardizer.mean)).toEqual([4, 0, 7, 10001]);
    expect(standardizer.std[0]).toBeCloseTo(Math.sqrt(5), 6);
    expect(Array.from(standardizer.std.subarray(1))).toEqual([1, 1, 0.5]);
    const out = applyStandardizer({ standardizer, features: new Float32Array([4, 0.001, 7.5, 10002]) });
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.001, 6);
    expect(out[2]).toBeCloseTo(0.5, 6);
    expect(out[3]).toBeCloseTo(2, 6);
    expect(() => applyStandardizer({ standardizer, features: new Float32Array(3) })).toThrow(
      "not rows of the standardizer's width 4",
    );
  });
});

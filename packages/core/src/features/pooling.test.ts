import { describe, expect, it } from 'vitest';
import { featureDimension, parsePooling, poolFeatures } from './pooling.ts';

describe('poolFeatures', () => {
  // Two images, 2 channels, 1×2 spatial, NCHW: image n, channel c holds [10n + 2c, 10n + 2c + 1].
  const nchw = new Float32Array([0, 1, 2, 3, 10, 11, 12, 13]);

  it('flattens in the graph order', () => {
    const out = poolFeatures({
      output: nchw,
      count: 2,
      shape: [2, 1, 2],
      layout: 'nchw',
      pooling: 'flatten',
    });
    expect([...out]).toEqual([0, 1, 2, 3, 10, 11, 12, 13]);
  });

  it('flattens into a view of the output, or into the array given', () => {
    const options = { output: nchw, count: 1, shape: [2, 1, 2] as const, layout: 'nchw' as const };
    const view = poolFeatures({ ...options, pooling: 'flatten' });
    expect([...view]).toEqual([0, 1, 2, 3]);
    expect(view.buffer).toBe(nchw.buffer);
    const into = new Float32Array(4);
    expect(poolFeatures({ ...options, pooling: 'flatten', into })).toBe(into);
    expect([...into]).toEqual([0, 1, 2, 3]);
  });

  it('averages and takes the max per channel, in both layouts', () => {
    expect([
      ...poolFeatures({ output: nchw, count: 2, shape: [2, 1, 2], layout: 'nchw', pooling: 'avg' }),
    ]).toEqual([0.5, 2.5, 10.5, 12.5]);
    expect([
      ...poolFeatures({ output: nchw, count: 2, shape: [2, 1, 2], layout: 'nchw', pooling: 'max' }),
    ]).toEqual([1, 3, 11, 13]);
    // The same values in NHWC order: pixel-major.
    const nhwc = new Float32Array([0, 2, 1, 3, 10, 12, 11, 13]);
    expect([
      ...poolFeatures({ output: nhwc, count: 2, shape: [2, 1, 2], layout: 'nhwc', pooling: 'max' }),
    ]).toEqual([1, 3, 11, 13]);
  });

  it('gives the tutorial its 25,088 features at 224', () => {
    expect(featureDimension('flatten', [512, 7, 7])).toBe(25_088);
    expect(featureDimension('avg', [512, 7, 7])).toBe(512);
  });

  it('names the allowed values for an unknown pooling', () => {
    expect(() => parsePooling('sum')).toThrow('Unknown pooling "sum"; use flatten, avg or max.');
  });
});

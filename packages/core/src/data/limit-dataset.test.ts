import { describe, expect, test } from 'vitest';
import type { Dataset, DatasetSample } from './dataset.ts';
import { limitDataset } from './limit-dataset.ts';
import { classCounts } from './split.ts';

function sample(id: string, label: string): DatasetSample {
  return { id, label, read: async () => ({ kind: 'encoded', bytes: new Uint8Array([1]) }) };
}

const dataset: Dataset = {
  name: 'toy',
  labels: ['a', 'b'],
  samples: Array.from({ length: 90 }, (_, i) => sample(`s${i}`, i % 3 === 0 ? 'b' : 'a')),
  test: [sample('t0', 'a'), sample('t1', 'b')],
  skipped: [],
  source: 'toy folder',
};

describe('limitDataset', () => {
  test('keeps a stratified, seeded subset of the samples and the whole test set, and says so', () => {
    const limited = limitDataset({ dataset, count: 30, seed: 7 });
    expect(limited.samples).toHaveLength(30);
    expect(classCounts(limited.samples.map((s) => s.label))).toEqual({ a: 20, b: 10 });
    expect(limited.test).toBe(dataset.test);
    expect(limited.source).toBe('toy folder (stratified subset of 30 of 90, seed 7)');
    expect(limitDataset({ dataset, count: 30, seed: 7 }).samples.map((s) => s.id)).toEqual(
      limited.samples.map((s) => s.id),
    );
  });

  test('returns the dataset itself when the count covers it', () => {
    expect(limitDataset({ dataset, count: 90 })).toBe(dataset);
    expect(limitDataset({ dataset, count: 1000 })).toBe(dataset);
  });
});

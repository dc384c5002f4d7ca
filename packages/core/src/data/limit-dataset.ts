import type { Dataset } from './dataset.ts';
import { stratifiedSubset } from './split.ts';

export interface LimitDatasetOptions {
  dataset: Dataset;
  /** Training images to keep (before the validation split); the test set is kept whole. */
  count: number;
  seed?: number;
}

/**
 * The dataset with its samples cut to a seeded, stratified `count`: a quick run on part of a large
 * dataset, with every class keeping its share. The source says so, so bundles and fingerprints tell a
 * limited run from a full one. The dataset itself when `count` covers it.
 */
export function limitDataset({ dataset, count, seed = 42 }: LimitDatasetOptions): Dataset {
  const keep = stratifiedSubset({ labels: dataset.samples.map((s) => s.label), count, seed });
  if (keep.length === dataset.samples.length) return dataset;
  return {
    ...dataset,
    samples: keep.map((i) => dataset.samples[i] as Dataset['samples'][number]),
    source: `${dataset.source} (stratified subset of ${keep.length} of ${dataset.samples.length}, seed ${seed})`,
  };
}

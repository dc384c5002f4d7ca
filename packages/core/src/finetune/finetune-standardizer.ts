import { featureDimension } from '../features/pooling.ts';
import { fitStandardizer, type FeatureStandardizer } from '../head/feature-standardizer.ts';
import type { FeatureSource } from '../head/feature-source.ts';
import { convBlocksLayout, convBlocksOutputShape } from './conv-blocks.ts';
import { blockFeatures, type FinetuneModel } from './finetune-model.ts';
import type { MapSource } from './map-source.ts';

/** Smallest std of a fine-tuned feature, relative to the RMS of all stds (see floorStandardizer). */
export const STD_FLOOR_RATIO = 0.3;

/**
 * Raises every std to at least `ratio` × the root mean square of all stds. The standardizer stays fixed
 * while the blocks train, so a feature that barely varied at the start (a mostly dead ReLU) would
 * otherwise have its first changes multiplied many times over and throw the head off.
 */
export function floorStandardizer(options: {
  standardizer: FeatureStandardizer;
  ratio?: number;
}): FeatureStandardizer {
  const { mean, std } = options.standardizer;
  const ratio = options.ratio ?? STD_FLOOR_RATIO;
  const rms = Math.sqrt(std.reduce((sum, s) => sum + s * s, 0) / Math.max(std.length, 1));
  return { mean, std: std.map((s) => Math.max(s, ratio * rms)) };
}

/**
 * Mean and (floored) std of the pooled output of the model's blocks, as they are now, over every sample
 * of `source`, computed `batchSize` samples at a time so memory stays flat.
 */
export async function fitBlockStandardizer(options: {
  model: Pick<FinetuneModel, 'blocks' | 'pooling' | 'inputShape'>;
  source: MapSource;
  batchSize: number;
}): Promise<FeatureStandardizer> {
  const { model, source, batchSize } = options;
  const outputShape = convBlocksOutputShape({ layouts: convBlocksLayout(model.blocks), shape: source.shape });
  const dim = featureDimension(model.pooling, outputShape);
  const rows: FeatureSource = {
    count: source.count,
    dim,
    labels: source.labels,
    async getBatch(indices) {
      const out = new Float32Array(indices.length * dim);
      for (let start = 0; start < indices.length; start += batchSize) {
        const part = indices.slice(start, start + batchSize);
        const data = await source.getBatch(part);
        out.set(blockFeatures({ model, data, count: part.length }), start * dim);
      }
      return out;
    },
  };
  return floorStandardizer({ standardizer: await fitStandardizer({ source: rows }) });
}

import { HeadstartError, formatChoices } from '../errors.ts';
import type { TensorLayout } from '../backbone/preprocess-spec.ts';

/** How the backbone's C×H×W output becomes one feature vector. */
export const POOLINGS = ['flatten', 'avg', 'max'] as const;
export type Pooling = (typeof POOLINGS)[number];

/** Parses a pooling name, naming the allowed ones when it is unknown. */
export function parsePooling(value: string): Pooling {
  if ((POOLINGS as readonly string[]).includes(value)) return value as Pooling;
  throw new HeadstartError('INVALID_OPTION', `Unknown pooling "${value}"; use ${formatChoices(POOLINGS)}.`);
}

/** Length of the feature vector for a backbone output of [channels, height, width]. */
export function featureDimension(pooling: Pooling, shape: readonly [number, number, number]): number {
  const [c, h, w] = shape;
  return pooling === 'flatten' ? c * h * w : c;
}

export interface PoolFeaturesOptions {
  /** Backbone output for `count` images. */
  output: Float32Array;
  count: number;
  /** [channels, height, width] of one image's output. */
  shape: readonly [number, number, number];
  /** Layout of `output`. */
  layout: TensorLayout;
  pooling: Pooling;
  /** Receives count × dim values; allocated when omitted (for `flatten`, a view of `output` instead). */
  into?: Float32Array;
}

/**
 * Pools backbone outputs into feature vectors. `flatten` keeps the graph's own element order (C·H·W for
 * NCHW graphs, H·W·C for NHWC ones, as Keras' Flatten does), so features match other tools on the same graph.
 * Without `into`, `flatten` returns a view of `output` rather than a copy of it.
 */
export function poolFeatures(options: PoolFeaturesOptions): Float32Array {
  const { output, count, shape, layout, pooling } = options;
  const [c, h, w] = shape;
  const per = c * h * w;
  const dim = featureDimension(pooling, shape);
  if (pooling === 'flatten') {
    const values = output.subarray(0, count * per);
    if (!options.into) return values;
    options.into.set(values);
    return options.into;
  }
  const out = options.into ?? new Float32Array(count * dim);
  const area = h * w;
  const channelStride = layout === 'nchw' ? area : 1;
  const pixelStride = layout === 'nchw' ? 1 : c;
  for (let n = 0; n < count; n++) {
    const base = n * per;
    for (let ch = 0; ch < c; ch++) {
      const start = base + ch * channelStride;
      let acc = pooling === 'max' ? -Infinity : 0;
      for (let p = 0; p < area; p++) {
        const v = output[start + p * pixelStride] as number;
        acc = pooling === 'max' ? (v > acc ? v : acc) : acc + v;
      }
      out[n * dim + ch] = pooling === 'max' ? acc : acc / area;
    }
  }
  return out;
}

import { createRandom } from '../random.ts';
import type { FeatureArrays } from './feature-source.ts';

/**
 * Seeded Gaussian clusters, one per class: features with a known answer for smoke tests, benchmarks and
 * demos of head training. Centres are standard normal scaled by `separation`; points add unit noise.
 */
export function syntheticClusters(options: {
  numClasses: number;
  dim: number;
  perClass: number;
  seed: number;
  separation?: number;
  /** Added to every feature, to mimic badly scaled inputs. */
  offset?: number;
}): FeatureArrays {
  const { numClasses, dim, perClass, seed, separation = 3, offset = 0 } = options;
  const random = createRandom(seed);
  const centres = Array.from({ length: numClasses }, () =>
    Float64Array.from({ length: dim }, () => random.normal() * separation),
  );
  const count = numClasses * perClass;
  const features = new Float32Array(count * dim);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    // Interleaved classes, so any prefix of the rows is balanced.
    const label = i % numClasses;
    labels[i] = label;
    const centre = centres[label] as Float64Array;
    for (let j = 0; j < dim; j++) features[i * dim + j] = (centre[j] as number) + random.normal() + offset;
  }
  return { features, labels, dim };
}

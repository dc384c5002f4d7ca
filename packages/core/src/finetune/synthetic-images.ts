import { HeadstartError, formatChoices } from '../errors.ts';
import { createRandom, type Random } from '../random.ts';

/**
 * Two-class image tasks with a known answer, for tests, benchmarks and demos of fine-tuning:
 * - `corners`: class 1 when exactly one of two corner discs (top-left, bottom-right) is lit — an XOR of
 *   two distant places, which a random conv base pooled to one vector separates poorly;
 * - `bars`: a horizontal (class 0) or vertical (class 1) bar at a random place.
 */
export const SYNTHETIC_IMAGE_TASKS = ['corners', 'bars'] as const;
export type SyntheticImageTask = (typeof SYNTHETIC_IMAGE_TASKS)[number];

export interface SyntheticImages {
  /** count × 3 × size × size float32, NCHW, roughly zero-mean unit-scale like preprocessed images. */
  data: Float32Array;
  labels: Int32Array;
  shape: [number, number, number];
}

function disc(plane: Float32Array, size: number, cy: number, cx: number, radius: number): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((y - cy) ** 2 + (x - cx) ** 2 <= radius * radius)
        plane[y * size + x] = (plane[y * size + x] as number) + 3;
    }
  }
}

function bar(plane: Float32Array, size: number, vertical: boolean, random: Random): void {
  const at = 1 + random.int(size - 3);
  const from = random.int(Math.max(1, Math.floor(size / 3)));
  const length = Math.ceil(size / 2);
  for (let i = from; i < Math.min(size, from + length); i++) {
    for (let t = 0; t < 2; t++) {
      const index = vertical ? i * size + at + t : (at + t) * size + i;
      plane[index] = (plane[index] as number) + 3;
    }
  }
}

/** `count` images of `task` (classes interleaved, so any prefix is balanced), with Gaussian pixel noise. */
export function syntheticImages(options: {
  task: SyntheticImageTask;
  count: number;
  size: number;
  seed: number;
  /** Std of the pixel noise. Default 0.3. */
  noise?: number;
}): SyntheticImages {
  const { task, count, size, seed, noise = 0.3 } = options;
  if (!(SYNTHETIC_IMAGE_TASKS as readonly string[]).includes(task)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Unknown synthetic task "${task}"; use ${formatChoices(SYNTHETIC_IMAGE_TASKS)}.`,
    );
  }
  if (!Number.isInteger(size) || size < 8)
    throw new HeadstartError('INVALID_OPTION', `Image size ${size} must be a whole number ≥ 8.`);
  const random = createRandom(seed);
  const area = size * size;
  const data = new Float32Array(count * 3 * area);
  const labels = new Int32Array(count);
  const plane = new Float32Array(area);
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    labels[n] = label;
    plane.fill(0);
    if (task === 'corners') {
      const first = random.int(2);
      const radius = Math.max(2, Math.round(size / 6));
      if (first) disc(plane, size, size / 4, size / 4, radius);
      if (first ^ label) disc(plane, size, (3 * size) / 4, (3 * size) / 4, radius);
    } else {
      bar(plane, size, label === 1, random);
    }
    // The same shape in every channel, with independent noise, like a grey picture.
    for (let c = 0; c < 3; c++) {
      const base = (n * 3 + c) * area;
      for (let p = 0; p < area; p++) data[base + p] = (plane[p] as number) + random.normal() * noise;
    }
  }
  return { data, labels, shape: [3, size, size] };
}

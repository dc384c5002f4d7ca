import { HeadstartError } from '../errors.ts';
import type { Random } from '../random.ts';

/** Data augmentation for scenarios that train conv layers. Off by default: `{ shift: 0, flip: false }`. */
export interface AugmentSpec {
  /**
   * Largest random translation in pixels, per axis, with zero fill — the same as zero-padding by `shift`
   * and taking a random crop of the original size.
   */
  shift: number;
  /** Mirror left–right with probability ½. Leave off where mirroring changes the class (digits, text). */
  flip: boolean;
}

export const NO_AUGMENT: AugmentSpec = { shift: 0, flip: false };

/** True when `spec` changes anything. */
export function augments(spec: AugmentSpec | undefined): boolean {
  return spec !== undefined && (spec.shift > 0 || spec.flip);
}

/** Checks an augmentation spec against the maps it will move: `shift` a whole number below their side. */
export function checkAugmentSpec(options: {
  spec: AugmentSpec;
  shape?: readonly [number, number, number];
}): void {
  const { spec, shape } = options;
  if (!Number.isInteger(spec.shift) || spec.shift < 0) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Augmentation shift ${spec.shift} must be a whole number of pixels ≥ 0.`,
    );
  }
  if (shape && spec.shift >= Math.min(shape[1], shape[2])) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Augmentation shift ${spec.shift} must be smaller than the ${shape[1]}×${shape[2]} maps it moves.`,
    );
  }
}

/**
 * A randomly shifted and flipped copy of `count` NCHW maps of `shape`. One shift and one flip are drawn
 * per sample (from `random`, so runs repeat) and applied to all its channels. On images this is classic
 * augmentation; on a frozen part's feature maps it shifts and mirrors the maps, which approximates the
 * same on the image at the maps' coarser resolution (a shift of 1 after three blocks is 8 pixels).
 */
export function augmentMaps(options: {
  data: Float32Array;
  count: number;
  shape: readonly [number, number, number];
  spec: AugmentSpec;
  random: Random;
}): Float32Array {
  const { data, count, shape, spec, random } = options;
  if (!augments(spec)) return data;
  const [channels, height, width] = shape;
  const area = height * width;
  const out = new Float32Array(count * channels * area);
  for (let n = 0; n < count; n++) {
    const dy = spec.shift > 0 ? random.int(2 * spec.shift + 1) - spec.shift : 0;
    const dx = spec.shift > 0 ? random.int(2 * spec.shift + 1) - spec.shift : 0;
    const mirror = spec.flip && random.next() < 0.5;
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * area;
      for (let y = 0; y < height; y++) {
        const sy = y + dy;
        if (sy < 0 || sy >= height) continue;
        for (let x = 0; x < width; x++) {
          const shifted = x + dx;
          const sx = mirror ? width - 1 - shifted : shifted;
          if (sx < 0 || sx >= width) continue;
          out[base + y * width + x] = data[base + sy * width + sx] as number;
        }
      }
    }
  }
  return out;
}

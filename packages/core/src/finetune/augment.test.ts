import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.ts';
import { augmentMaps, NO_AUGMENT } from './augment.ts';

const shape: [number, number, number] = [2, 5, 6];
const count = 40;
const data = Float32Array.from({ length: count * 60 }, (_, i) => 1 + (i % 97));

/** The map `src` moved by (dy, dx) with zero fill, then mirrored when `mirror`. */
function moved(src: Float32Array, dy: number, dx: number, mirror: boolean): Float32Array {
  const [c, h, w] = shape;
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const sy = y + dy;
        const sx = mirror ? w - 1 - (x + dx) : x + dx;
        if (sy >= 0 && sy < h && sx >= 0 && sx < w)
          out[ch * h * w + y * w + x] = src[ch * h * w + sy * w + sx]!;
      }
  return out;
}

describe('augmentMaps', () => {
  it('moves each sample, all channels alike, by one drawn shift and flip', () => {
    const out = augmentMaps({ data, count, shape, spec: { shift: 1, flip: true }, random: createRandom(3) });
    const seen = new Set<string>();
    for (let n = 0; n < count; n++) {
      const src = data.subarray(n * 60, (n + 1) * 60);
      const got = Array.from(out.subarray(n * 60, (n + 1) * 60));
      const match = [-1, 0, 1]
        .flatMap((dy) => [-1, 0, 1].flatMap((dx) => [false, true].map((m) => [dy, dx, m] as const)))
        .find(([dy, dx, m]) => Array.from(moved(src, dy, dx, m)).join() === got.join());
      expect(match).toBeDefined();
      seen.add(match!.join());
    }
    expect(seen.size).toBeGreaterThan(8);
    expect([...seen].some((s) => s.endsWith('true')) && [...seen].some((s) => s.endsWith('false'))).toBe(
      true,
    );
    expect(
      Array.from(
        augmentMaps({ data, count, shape, spec: { shift: 1, flip: true }, random: createRandom(3) }),
      ),
    ).toEqual(Array.from(out));
  });

  it('returns the input itself when there is nothing to do', () => {
    expect(augmentMaps({ data, count, shape, spec: NO_AUGMENT, random: createRandom(1) })).toBe(data);
  });
});

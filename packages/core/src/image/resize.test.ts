import { describe, expect, test } from 'vitest';
import { createRandom } from '../random.ts';
import { resizeImage } from './resize.ts';
import type { RgbImage } from './rgb-image.ts';

/** Builds an image from per-channel row-major planes. */
function fromPlanes(width: number, height: number, r: number[], g: number[], b: number[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[3 * i] = r[i] as number;
    data[3 * i + 1] = g[i] as number;
    data[3 * i + 2] = b[i] as number;
  }
  return { width, height, data };
}

function plane(image: RgbImage, c: number): number[] {
  return Array.from({ length: image.width * image.height }, (_, i) => image.data[3 * i + c] as number);
}

function randomImage(width: number, height: number, seed: number): RgbImage {
  const random = createRandom(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = random.int(256);
  return { width, height, data };
}

/** FNV-1a over the bytes: a compact fingerprint for golden comparisons. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

describe('resizeImage', () => {
  test('2×2 → 4×4 upscale interpolates between half-pixel centres and clamps at the edges', () => {
    // Along each axis output pixels sit at 0.25, 0.75, 1.25, 1.75 in input units: weights
    // [1], [.75 .25], [.25 .75], [1]. Rows first: (0,100) → 0 25 75 100; (200,40) → 200 160 80 40; then columns,
    // e.g. column 1 (25,160): .75·25 + .25·160 = 58.75 → 59, .25·25 + .75·160 = 126.25 → 126.
    const image = fromPlanes(2, 2, [0, 100, 200, 40], [10, 10, 10, 10], [255, 0, 0, 255]);
    const out = resizeImage({ image, size: 4 });
    expect([out.width, out.height]).toEqual([4, 4]);
    expect(plane(out, 0)).toEqual([0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40]);
    expect(plane(out, 1)).toEqual(new Array(16).fill(10));
    // B (255,0 / 0,255): rows 255 191 64 0 and 0 64 191 255 (191.25, 63.75 rounded), then columns.
    expect(plane(out, 2)).toEqual([255, 191, 64, 0, 191, 159, 96, 64, 64, 96, 159, 191, 0, 64, 191, 255]);
  });

  test('4×4 → 2×2 downscale uses a triangle widened to the scale (weights 3/7 3/7 1/7)', () => {
    // Output centres at 1 and 3, triangle of half-width 2: input centres 0.5 1.5 2.5 weigh .75 .75 .25.
    // R rows: (10 20 30 40) → 120/7 = 17.1 → 17 and 230/7 = 32.9 → 33, … then columns (17 57 97 137) → 319/7 → 46.
    const r = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160];
    const image = fromPlanes(
      4,
      4,
      r,
      r.map((v) => 255 - v),
      new Array(16).fill(7),
    );
    const out = resizeImage({ image, size: 2 });
    expect(plane(out, 0)).toEqual([46, 62, 108, 124]);
    expect(plane(out, 1)).toEqual([209, 193, 147, 131]);
    expect(plane(out, 2)).toEqual([7, 7, 7, 7]);
  });

  test('shrinking antialiases: a fine checkerboard becomes mid-grey, not black or white', () => {
    const data = new Uint8Array(16 * 16 * 3);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        data.fill((x + y) % 2 === 0 ? 0 : 255, 3 * (16 * y + x), 3 * (16 * y + x) + 3);
    const out = resizeImage({ image: { width: 16, height: 16, data }, size: 4 });
    expect(Math.min(...out.data)).toBeGreaterThan(100);
    expect(Math.max(...out.data)).toBeLessThan(155);
  });

  test('an axis that keeps its size is copied; the same size returns a copy', () => {
    const image = randomImage(5, 3, 1);
    const same = resizeImage({ image, width: 5, height: 3 });
    expect(same.data).toEqual(image.data);
    expect(same.data).not.toBe(image.data);
    const wider = resizeImage({ image, width: 10, height: 3 });
    expect([wider.width, wider.height]).toEqual([10, 3]);
    // Every output row depends only on its own input row.
    const rowOnly = resizeImage({
      image: { width: 5, height: 1, data: image.data.slice(15, 30) },
      width: 10,
      height: 1,
    });
    expect(wider.data.subarray(30, 60)).toEqual(rowOnly.data);
  });

  test.each([
    [28, 28, 32, 32],
    [37, 23, 224, 224],
    [200, 120, 64, 50],
    [28, 28, 56, 28],
  ])('a grey %i×%i image resized to %i×%i equals the colour path, channel by channel', (w, h, ow, oh) => {
    const random = createRandom(w * h);
    const values = Array.from({ length: w * h }, () => random.int(256));
    const greyImage = fromPlanes(w, h, values, values, values);
    const grey = resizeImage({ image: greyImage, width: ow, height: oh });
    // The same R plane under other channels, and a grey image whose very last pixel is coloured: both take
    // the colour path, and their R planes must equal the grey path's output.
    const noise = () => Array.from({ length: w * h }, () => random.int(256));
    const colour = resizeImage({ image: fromPlanes(w, h, values, noise(), noise()), width: ow, height: oh });
    const lastColoured = fromPlanes(w, h, values, values, values);
    lastColoured.data[w * h * 3 - 1] = ((values.at(-1) as number) + 128) % 256;
    const almostGrey = resizeImage({ image: lastColoured, width: ow, height: oh });
    expect(plane(grey, 0)).toEqual(plane(colour, 0));
    expect(plane(grey, 0)).toEqual(plane(almostGrey, 0));
    expect(plane(grey, 1)).toEqual(plane(grey, 0));
    expect(plane(grey, 2)).toEqual(plane(grey, 0));
    expect(plane(almostGrey, 2)).not.toEqual(plane(almostGrey, 0));
  });

  test('is deterministic and matches a golden fingerprint for a photo-sized resize', () => {
    const image = randomImage(500, 375, 7);
    const a = resizeImage({ image, size: 224 });
    const b = resizeImage({ image, size: 224 });
    expect(a.data).toEqual(b.data);
    expect(fnv1a(a.data)).toBe(GOLDEN_500x375_TO_224);
    expect(fnv1a(resizeImage({ image: randomImage(28, 28, 3), size: 32 }).data)).toBe(GOLDEN_28_TO_32);
  });

  test('rejects bad sizes and inconsistent images', () => {
    const image = randomImage(2, 2, 1);
    expect(() => resizeImage({ image, size: 0 })).toThrow(/positive integer/);
    expect(() => resizeImage({ image, size: 2.5 })).toThrow(/INVALID|positive integer/);
    expect(() => resizeImage({ image })).toThrow(/width undefined/);
    expect(() => resizeImage({ image: { width: 3, height: 2, data: image.data }, size: 4 })).toThrow(
      /has 12 bytes; expected 18/,
    );
  });
});

/** FNV-1a of the outputs above; a change here means every cached feature and trained head is stale. */
const GOLDEN_500x375_TO_224 = 1562486800;
const GOLDEN_28_TO_32 = 2566080046;

import { describe, expect, test } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdxImages, parseIdxLabels, parseIdxPair } from './idx.ts';

/** Writes an IDX file: big-endian magic and dimensions, then the bytes. */
function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isHeadstartError(error) ? error.code : 'not a HeadstartError';
  }
  return undefined;
}

// Two 2×3 images: 0..5 and 10..15.
const images = idx(IDX_IMAGES_MAGIC, [2, 2, 3], [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
const labels = idx(IDX_LABELS_MAGIC, [2], [7, 3]);

describe('IDX parsing', () => {
  test('reads dimensions big-endian and returns views into the data', () => {
    const parsed = parseIdxImages({ bytes: images });
    expect([parsed.count, parsed.rows, parsed.cols]).toEqual([2, 2, 3]);
    expect(Array.from(parsed.pixels.subarray(6))).toEqual([10, 11, 12, 13, 14, 15]);
    expect(parsed.pixels.buffer).toBe(images.buffer);
    expect(Array.from(parseIdxLabels({ bytes: labels }))).toEqual([7, 3]);
    const big = idx(IDX_IMAGES_MAGIC, [1, 256 + 2, 1], new Array(258).fill(9));
    expect(parseIdxImages({ bytes: big }).rows).toBe(258);
  });

  test('pairs images with labels', () => {
    const pair = parseIdxPair({ images, labels });
    expect(pair.count).toBe(2);
    expect(Array.from(pair.labels)).toEqual([7, 3]);
  });

  test('a wrong magic number names the file and both numbers', () => {
    expect(() => parseIdxImages({ bytes: labels, name: 'train-images-idx3-ubyte' })).toThrow(
      'IDX file "train-images-idx3-ubyte" starts with 0x00000801; image files start with 0x00000803.',
    );
    expect(
      codeOf(() => parseIdxLabels({ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) })),
    ).toBe('DATASET_INVALID');
  });

  test('truncated headers and data are reported with sizes', () => {
    expect(() => parseIdxImages({ bytes: images.subarray(0, 2), name: 'x' })).toThrow(
      /"x" is truncated: 2 bytes/,
    );
    expect(() => parseIdxImages({ bytes: images.subarray(0, 10), name: 'x' })).toThrow(
      /header alone needs 16/,
    );
    expect(() => parseIdxImages({ bytes: images.subarray(0, images.length - 1), name: 'x' })).toThrow(
      'IDX file "x" is truncated: 2×2×3 needs 12 data bytes, found 11.',
    );
    const longer = new Uint8Array(images.length + 3);
    longer.set(images);
    expect(() => parseIdxImages({ bytes: longer, name: 'x' })).toThrow(/3 bytes beyond its 2×2×3 data/);
    expect(codeOf(() => parseIdxImages({ bytes: images.subarray(0, 20) }))).toBe('DATASET_INVALID');
  });

  test('images and labels must count the same samples', () => {
    const three = idx(IDX_LABELS_MAGIC, [3], [1, 2, 3]);
    expect(() => parseIdxPair({ images, labels: three, imagesName: 'i', labelsName: 'l' })).toThrow(
      '"i" holds 2 images but "l" holds 3 labels; they must match.',
    );
  });
});

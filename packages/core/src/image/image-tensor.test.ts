import { describe, expect, test } from 'vitest';
import { preprocessFor } from '../backbone/preprocess-spec.ts';
import { imageTensorLength, preprocessBatch, preprocessImage, writeImageTensor } from './image-tensor.ts';
import type { RgbImage } from './rgb-image.ts';

/** A 2×1 image of pixels (R,G,B) = (10, 20, 30) and (255, 0, 128), and a 1×1 of the first. */
const image: RgbImage = { width: 2, height: 1, data: new Uint8Array([10, 20, 30, 255, 0, 128]) };
const square: RgbImage = { width: 1, height: 1, data: new Uint8Array([10, 20, 30]) };

// caffe: BGR order, v − [103.939, 116.779, 123.68].
const caffePixel0 = [30 - 103.939, 20 - 116.779, 10 - 123.68]; // -73.939, -96.779, -113.68
const caffePixel1 = [128 - 103.939, 0 - 116.779, 255 - 123.68]; // 24.061, -116.779, 131.32
// torch: RGB order, (v/255 − [.485, .456, .406]) / [.229, .224, .225].
const torchPixel0 = [(10 / 255 - 0.485) / 0.229, (20 / 255 - 0.456) / 0.224, (30 / 255 - 0.406) / 0.225];
const torchPixel1 = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (128 / 255 - 0.406) / 0.225]; // 2.24891, -2.03571, 0.42649

describe('writeImageTensor', () => {
  test('caffe golden values: BGR with mean subtraction', () => {
    const out = new Float32Array(3);
    writeImageTensor({ image: square, spec: preprocessFor('caffe', 1, 'nchw'), out });
    expect(Array.from(out)).toEqual([-73.939, -96.779, -113.68].map(Math.fround));
  });

  test('torch golden values: RGB scaled to 0..1 with mean and std', () => {
    const out = new Float32Array(3);
    writeImageTensor({ image: square, spec: preprocessFor('torch', 1, 'nhwc'), out });
    expect(out[0]).toBeCloseTo(-1.94666, 4); // (0.039216 − 0.485) / 0.229
    expect(out[1]).toBeCloseTo(-1.68557, 4); // (0.078431 − 0.456) / 0.224
    expect(out[2]).toBeCloseTo(-1.28157, 4); // (0.117647 − 0.406) / 0.225
    expect(Array.from(out)).toEqual(torchPixel0.map(Math.fround));
  });

  test('nchw puts each channel plane together; nhwc interleaves per pixel', () => {
    const two = {
      width: 2,
      height: 2,
      data: new Uint8Array([10, 20, 30, 255, 0, 128, 10, 20, 30, 255, 0, 128]),
    };
    const caffeNchw = new Float32Array(12);
    writeImageTensor({ image: two, spec: preprocessFor('caffe', 2, 'nchw'), out: caffeNchw });
    const p0 = caffePixel0.map(Math.fround);
    const p1 = caffePixel1.map(Math.fround);
    expect(Array.from(caffeNchw)).toEqual([
      ...[p0[0], p1[0], p0[0], p1[0]], // B plane
      ...[p0[1], p1[1], p0[1], p1[1]], // G plane
      ...[p0[2], p1[2], p0[2], p1[2]], // R plane
    ]);
    const torchNhwc = new Float32Array(12);
    writeImageTensor({ image: two, spec: preprocessFor('torch', 2, 'nhwc'), out: torchNhwc });
    const t0 = torchPixel0.map(Math.fround);
    const t1 = torchPixel1.map(Math.fround);
    expect(Array.from(torchNhwc)).toEqual([...t0, ...t1, ...t0, ...t1]);
    expect(t1[0]).toBeCloseTo(2.24891, 4);
    expect(t1[1]).toBeCloseTo(-2.03571, 4);
    expect(t1[2]).toBeCloseTo(0.42649, 4);
  });

  test('writes into its slot only', () => {
    const spec = preprocessFor('caffe', 1);
    const out = new Float32Array(9).fill(99);
    writeImageTensor({ image: square, spec, out, offset: 3 });
    expect(Array.from(out.subarray(0, 3))).toEqual([99, 99, 99]);
    expect(Array.from(out.subarray(6))).toEqual([99, 99, 99]);
    expect(out[3]).toBeCloseTo(-73.939, 3);
  });

  test('refuses a wrong-sized image or a slot past the end', () => {
    const spec = preprocessFor('caffe', 1);
    expect(() => writeImageTensor({ image, spec, out: new Float32Array(6) })).toThrow(
      /2×1; the tensor needs 1×1/,
    );
    expect(() => writeImageTensor({ image: square, spec, out: new Float32Array(3), offset: 1 })).toThrow(
      /needs 3 floats/,
    );
  });
});

describe('preprocessImage', () => {
  test('resizes to the input size, then normalises', () => {
    const spec = preprocessFor('caffe', 2, 'nhwc');
    const out = preprocessImage({ image: square, spec });
    expect(out.length).toBe(imageTensorLength(spec));
    const p0 = caffePixel0.map(Math.fround);
    expect(Array.from(out)).toEqual([...p0, ...p0, ...p0, ...p0]);
  });

  test('preprocessBatch lays images out one after another', () => {
    const spec = preprocessFor('torch', 1);
    const other = { width: 1, height: 1, data: new Uint8Array([255, 0, 128]) };
    const batch = preprocessBatch({ images: [square, other], spec });
    expect(Array.from(batch)).toEqual([...torchPixel0, ...torchPixel1].map(Math.fround));
  });
});

import sharp from 'sharp';
import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import type { DecodeImage } from '../../image/rgb-image.ts';
import { createRandom } from '../../random.ts';
import { createImageDecoder } from './decode-image.ts';
import { createSharpDecoder } from './decode-image-sharp.ts';
import { decodePlainPng } from './decode-png-plain.ts';

const random = createRandom(3);

function rgbPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.from(Array.from({ length: width * height * 3 }, () => random.int(256)));
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** What a decoder made of the bytes: the pixels, or the error's class, code and message. */
async function outcome(decode: DecodeImage, bytes: Uint8Array, name: string): Promise<unknown> {
  try {
    const { width, height, data } = await decode(bytes, name);
    return { width, height, data: Array.from(data) };
  } catch (error) {
    const { name: kind, code, message } = error as { name: string; code?: string; message: string };
    return { kind, code, message };
  }
}

/** Asserts both decoders give the same outcome and returns it. */
async function same(bytes: Uint8Array, name: string, options = {}): Promise<unknown> {
  const expected = await outcome(createSharpDecoder(options), bytes, name);
  expect(await outcome(createImageDecoder(options), bytes, name)).toEqual(expected);
  return expected;
}

describe('createImageDecoder', () => {
  test('decodes a small RGB PNG on the plain path with the pixels sharp gives', async () => {
    const png = await rgbPng(28, 28);
    expect(decodePlainPng(png)).toBeDefined();
    expect(await same(png, 'digit.png')).toMatchObject({ width: 28, height: 28 });
  });

  test('passes other formats to sharp unchanged', async () => {
    const jpeg = await sharp(await rgbPng(20, 12))
      .jpeg()
      .toBuffer();
    expect(await same(jpeg, 'a.jpg')).toMatchObject({ width: 20, height: 12 });
  });

  test('empty, truncated and text inputs fail exactly as with sharp', async () => {
    const png = await rgbPng(28, 28);
    expect(await same(new Uint8Array(0), 'empty.png')).toEqual({
      kind: 'HeadstartError',
      code: 'IMAGE_DECODE_FAILED',
      message: 'Cannot decode image "empty.png": the file is empty (0 bytes).',
    });
    for (const cut of [png.length - 30, png.length >> 1, 40, 10]) {
      expect(await same(png.subarray(0, cut), 'cut.png')).toMatchObject({ code: 'IMAGE_DECODE_FAILED' });
    }
    expect(await same(new TextEncoder().encode('just some notes\n'), 'notes.txt')).toMatchObject({
      code: 'IMAGE_DECODE_FAILED',
    });
  });

  test('keeps the maxPixels limit and its message, even for a PNG the plain path could take', async () => {
    const png = await rgbPng(11, 10);
    expect(decodePlainPng(png)).toBeDefined();
    expect(await same(png, 'x.png', { maxPixels: 100 })).toEqual({
      kind: 'HeadstartError',
      code: 'IMAGE_TOO_LARGE',
      message: 'Image "x.png" is 11×10 (110 pixels); the limit is 100 pixels.',
    });
    expect(await same(png, 'x.png', { maxPixels: 110 })).toMatchObject({ width: 11, height: 10 });
  });

  test('refuses a pixel bomb from its header, as sharp does', async () => {
    const bomb = new Uint8Array(await rgbPng(1, 1));
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    view.setUint32(16, 20_000);
    view.setUint32(20, 20_000);
    view.setUint32(29, crc32(bomb.subarray(12, 29)));
    expect(await same(bomb, 'bomb.png')).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  test('validates maxPixels like createSharpDecoder', () => {
    expect(() => createImageDecoder({ maxPixels: 0 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: 'maxPixels 0 is not valid; use a positive integer.',
      }),
    );
    expect(() => createImageDecoder({ maxPixels: 1.5 })).toThrow(/maxPixels 1.5 is not valid/);
  });
});

import sharp from 'sharp';
import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { createRandom } from '../../random.ts';
import { createSharpDecoder } from './decode-image-sharp.ts';

const decode = createSharpDecoder();

/** A PNG of the given raw pixels (channels 1, 3 or 4). */
function png(width: number, height: number, channels: 1 | 3 | 4, pixels: number[]): Promise<Buffer> {
  return sharp(Buffer.from(pixels), { raw: { width, height, channels } }).png().toBuffer();
}

/** A real 1×1 PNG whose IHDR is rewritten (with a valid CRC) to claim width × height pixels. */
async function pixelBomb(width: number, height: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await png(1, 1, 3, [0, 0, 0]));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(16, width, false);
  view.setUint32(20, height, false);
  view.setUint32(29, crc32(bytes.subarray(12, 29)), false);
  return bytes;
}

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('createSharpDecoder', () => {
  test('decodes an RGB PNG to the exact pixels', async () => {
    const pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
    const image = await decode(await png(2, 2, 3, pixels), 'rgb.png');
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(Array.from(image.data)).toEqual(pixels);
  });

  test('expands grayscale to three equal channels', async () => {
    const image = await decode(await png(2, 1, 1, [0, 200]), 'gray.png');
    expect(Array.from(image.data)).toEqual([0, 0, 0, 200, 200, 200]);
  });

  test('flattens transparency onto white', async () => {
    const image = await decode(await png(2, 1, 4, [10, 20, 30, 255, 200, 0, 0, 0]), 'rgba.png');
    expect(Array.from(image.data)).toEqual([10, 20, 30, 255, 255, 255]);
  });

  test('decodes JPEG and applies its EXIF orientation', async () => {
    const wide = sharp({
      create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 40, b: 90 } },
    });
    const upright = await decode(await wide.clone().jpeg({ quality: 95 }).toBuffer(), 'a.jpg');
    expect([upright.width, upright.height]).toEqual([16, 8]);
    for (const [i, v] of [200, 40, 90].entries())
      expect(Math.abs((upright.data[i] as number) - v)).toBeLessThanOrEqual(3);
    // Orientation 6 means "rotate 90° clockwise to display": the decoded image is 8 wide and 16 high.
    const rotated = await decode(
      await wide.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer(),
      'b.jpg',
    );
    expect([rotated.width, rotated.height]).toEqual([8, 16]);
  });

  test('zero bytes, truncated data and text fail with IMAGE_DECODE_FAILED naming the file in one line', async () => {
    const empty = await failure(decode(new Uint8Array(0), 'empty.png'));
    expect(empty).toMatchObject({
      code: 'IMAGE_DECODE_FAILED',
      message: 'Cannot decode image "empty.png": the file is empty (0 bytes).',
    });

    const random = createRandom(1);
    const noisy = await png(
      64,
      64,
      3,
      Array.from({ length: 64 * 64 * 3 }, () => random.int(256)),
    );
    const truncated = await failure(decode(noisy.subarray(0, noisy.length / 2), 'cut.png'));
    expect(truncated.code).toBe('IMAGE_DECODE_FAILED');
    expect(truncated.message).toMatch(
      /^Cannot decode image "cut.png": corrupt or truncated image data \(.+\)\.$/,
    );
    expect(truncated.message).not.toContain('\n');

    const text = await failure(decode(new TextEncoder().encode('just some notes\n'), 'notes.txt'));
    expect(text).toMatchObject({
      code: 'IMAGE_DECODE_FAILED',
      message:
        'Cannot decode image "notes.txt": not a supported image format (use PNG, JPEG, WebP, GIF, TIFF or AVIF).',
    });
  });

  test('refuses a pixel bomb from its header, before decoding', async () => {
    const bomb = await pixelBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(200);
    const start = performance.now();
    const error = await failure(decode(bomb, 'bomb.png'));
    expect(performance.now() - start).toBeLessThan(2000);
    expect(error).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: 'Image "bomb.png" is 20000×20000 (400,000,000 pixels); the limit is 40,000,000 pixels.',
    });
    const strict = createSharpDecoder({ maxPixels: 100 });
    expect((await failure(strict(await png(11, 10, 1, new Array(110).fill(0)), 'x.png'))).code).toBe(
      'IMAGE_TOO_LARGE',
    );
    expect((await strict(await png(10, 10, 1, new Array(100).fill(0)), 'y.png')).width).toBe(10);
  });

  test('refuses vector images and a bad limit', async () => {
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
    );
    expect(await failure(decode(svg, 'a.svg'))).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringContaining('"a.svg" is in svg format'),
    });
    expect(() => createSharpDecoder({ maxPixels: 0 })).toThrow(/maxPixels 0 is not valid/);
  });
});

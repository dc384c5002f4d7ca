import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { sniffImage } from './sniff-image.ts';

const raw = { raw: { width: 7, height: 5, channels: 3 as const } };
const pixels = Buffer.alloc(7 * 5 * 3, 128);

describe('sniffImage', () => {
  test('recognises PNG, JPEG, GIF and WebP with their declared size', async () => {
    for (const format of ['png', 'jpeg', 'gif', 'webp'] as const) {
      const bytes = new Uint8Array(await sharp(pixels, raw).toFormat(format).toBuffer());
      expect(sniffImage(bytes), format).toEqual({ format, width: 7, height: 5 });
    }
  });

  test('lossless WebP declares its size in a VP8L header', async () => {
    const bytes = new Uint8Array(await sharp(pixels, raw).webp({ lossless: true }).toBuffer());
    expect(sniffImage(bytes)).toEqual({ format: 'webp', width: 7, height: 5 });
  });

  test('a size read from a huge PNG header comes out as declared', () => {
    const header = new Uint8Array(24);
    header.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(header.buffer).setUint32(16, 20_000);
    new DataView(header.buffer).setUint32(20, 30_000);
    expect(sniffImage(header)).toEqual({ format: 'png', width: 20_000, height: 30_000 });
  });

  test('text, SVG, BMP and empty files are not images', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(sniffImage(text('hello, world: not an image at all'))).toBeUndefined();
    expect(sniffImage(text('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeUndefined();
    expect(
      sniffImage(new Uint8Array([0x42, 0x4d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
    ).toBeUndefined();
    expect(sniffImage(new Uint8Array(0))).toBeUndefined();
  });
});

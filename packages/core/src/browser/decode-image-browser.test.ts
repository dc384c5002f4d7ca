import { describe, expect, test } from 'vitest';
import { checkImageHeader, createBrowserDecoder } from './decode-image-browser.ts';

/** A PNG signature and IHDR declaring `width` × `height`, and nothing after. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

describe('browser decoding checks', () => {
  test('refuse empty files, non-images and oversized images by name, before any decoding', async () => {
    expect(() => checkImageHeader({ bytes: new Uint8Array(0), name: 'a.png' })).toThrow(
      'Cannot decode image "a.png": the file is empty (0 bytes).',
    );
    expect(() =>
      checkImageHeader({ bytes: new TextEncoder().encode('hello there, not pixels'), name: 'notes.txt' }),
    ).toThrow('"notes.txt" is not an image this page reads; use PNG, JPEG, WebP, GIF or AVIF.');
    expect(() => checkImageHeader({ bytes: pngHeader(20_000, 20_000), name: 'bomb.png' })).toThrow(
      'Image "bomb.png" is 20000×20000 (400,000,000 pixels); the limit is 40,000,000 pixels.',
    );
    expect(checkImageHeader({ bytes: pngHeader(10, 20), name: 'ok.png' })).toEqual({
      format: 'png',
      width: 10,
      height: 20,
    });
    // The decoder makes the same checks first, so these never reach createImageBitmap.
    const decode = createBrowserDecoder({ maxPixels: 100 });
    await expect(decode(pngHeader(11, 10), 'big.png')).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(
      decode(new TextEncoder().encode('<svg></svg> and more text'), 'x.svg'),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(() => createBrowserDecoder({ maxPixels: 0 })).toThrow(
      'maxPixels 0 is not valid; use a positive integer.',
    );
  });
});

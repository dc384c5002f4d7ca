import { describe, expect, test } from 'vitest';
import { decodeSampleContent, sampleContentBytes } from './sample-content.ts';

describe('sample content', () => {
  test('encoded bytes identify themselves', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(sampleContentBytes({ kind: 'encoded', bytes })).toBe(bytes);
  });

  test('pixels are prefixed with "rgb8", width and height so that shapes never collide', () => {
    const image = { width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    expect(Array.from(sampleContentBytes({ kind: 'pixels', image }))).toEqual([
      0x72, 0x67, 0x62, 0x38, 0, 0, 0, 2, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6,
    ]);
    const tall = { width: 1, height: 2, data: image.data };
    expect(sampleContentBytes({ kind: 'pixels', image: tall })).not.toEqual(
      sampleContentBytes({ kind: 'pixels', image }),
    );
  });

  test('decodeSampleContent decodes encoded bytes and passes pixels through', async () => {
    const image = { width: 1, height: 1, data: new Uint8Array([9, 9, 9]) };
    const calls: (string | undefined)[] = [];
    const decode = async (_bytes: Uint8Array, name?: string) => {
      calls.push(name);
      return image;
    };
    expect(await decodeSampleContent({ kind: 'pixels', image }, decode)).toBe(image);
    expect(calls).toEqual([]);
    expect(await decodeSampleContent({ kind: 'encoded', bytes: new Uint8Array([1]) }, decode, 'a.png')).toBe(
      image,
    );
    expect(calls).toEqual(['a.png']);
  });
});

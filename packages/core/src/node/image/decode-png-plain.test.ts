import sharp, { type Sharp } from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { createRandom } from '../../random.ts';
import { createImageDecoder } from './decode-image.ts';
import { createSharpDecoder } from './decode-image-sharp.ts';
import { decodePlainPng, PLAIN_PNG_MAX_PIXELS } from './decode-png-plain.ts';

const viaSharp = createSharpDecoder();
const viaImage = createImageDecoder();
const random = createRandom(7);

function noise(length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => random.int(256)));
}

function raw(width: number, height: number, channels: 1 | 2 | 3 | 4): Sharp {
  return sharp(noise(width * height * channels), { raw: { width, height, channels } });
}

/** Greyscale pixels; without the colourspace, sharp writes single-channel input as RGB. */
function grey(width: number, height: number, channels: 1 | 2 = 1): Sharp {
  return raw(width, height, channels).toColourspace('b-w');
}

/** One PNG chunk with a correct CRC (or a wrong one). */
function chunk(type: string, data: Uint8Array, { badCrc = false } = {}): Buffer {
  const bytes = Buffer.alloc(12 + data.length);
  bytes.writeUInt32BE(data.length, 0);
  bytes.write(type, 4, 'latin1');
  bytes.set(data, 8);
  bytes.writeUInt32BE((crc32(bytes.subarray(4, 8 + data.length)) ^ (badCrc ? 1 : 0)) >>> 0, 8 + data.length);
  return bytes;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** A PNG assembled by hand, for the bit depths and chunk layouts sharp does not write. */
function handPng(options: {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  extra?: Buffer[];
  after?: Buffer[];
  rows?: (rowBytes: number) => Buffer;
  /** The filter type of row y (default 0, None); rows are encoded with it. */
  filter?: (y: number) => number;
}): Buffer {
  const { width, height, bitDepth, colourType, extra = [], after = [], filter = () => 0 } = options;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  const rowBytes = Math.ceil((width * bitDepth * (colourType === 2 ? 3 : 1)) / 8);
  const rows = options.rows ?? noise;
  const bytesPerPixel = Math.max(1, (bitDepth * (colourType === 2 ? 3 : 1)) / 8);
  let previous: Buffer = Buffer.alloc(rowBytes);
  const scanlines = Buffer.concat(
    Array.from({ length: height }, (_, y) => {
      const row = rows(rowBytes);
      const type = filter(y);
      const encoded = encodeFilter(type, row, previous, bytesPerPixel);
      previous = row;
      return Buffer.concat([Buffer.from([type]), encoded]);
    }),
  );
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', deflateSync(scanlines)),
    ...after,
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** One row encoded with PNG filter `type` (0–4) against the row above, as an encoder writes it. */
function encodeFilter(type: number, row: Buffer, above: Buffer, bytesPerPixel: number): Buffer {
  const out = Buffer.alloc(row.length);
  for (let i = 0; i < row.length; i++) {
    const a = i >= bytesPerPixel ? (row[i - bytesPerPixel] as number) : 0;
    const b = above[i] as number;
    const c = i >= bytesPerPixel ? (above[i - bytesPerPixel] as number) : 0;
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    const prediction = [0, a, b, (a + b) >> 1, paeth][type] ?? 0;
    out[i] = ((row[i] as number) - prediction) & 255;
  }
  return out;
}

/** `png` with `extra` chunks inserted right after IHDR. */
function withChunks(png: Buffer, ...extra: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...extra, png.subarray(33)]);
}

/** The chunk types of a PNG, in order, with IHDR's bit depth, colour type and interlace method. */
function describePng(png: Buffer): string {
  const types: string[] = [];
  for (let at = 8; at + 8 <= png.length && types.at(-1) !== 'IEND'; at += 12 + png.readUInt32BE(at))
    types.push(png.toString('latin1', at + 4, at + 8));
  return `${types.join(' ')} depth ${png[24]} colour ${png[25]} interlace ${png[28]}`;
}

/** Eligible PNGs, each with what its header must say, so a fixture cannot quietly become another kind. */
const eligible: [string, () => Promise<Buffer>, RegExp][] = [
  ['RGB 8-bit 37×23', () => raw(37, 23, 3).png().toBuffer(), /depth 8 colour 2 interlace 0/],
  ['RGB 8-bit 1×1', () => raw(1, 1, 3).png().toBuffer(), /depth 8 colour 2/],
  ['greyscale 8-bit', () => grey(37, 23).png().toBuffer(), /depth 8 colour 0 interlace 0/],
  ['greyscale 8-bit 1×1', () => grey(1, 1).png().toBuffer(), /depth 8 colour 0/],
  ['palette 8-bit', () => raw(37, 23, 3).png({ palette: true }).toBuffer(), /PLTE .*depth 8 colour 3/],
  [
    'palette 2-bit',
    () => raw(37, 23, 3).png({ palette: true, colours: 4 }).toBuffer(),
    /PLTE .*depth 2 colour 3/,
  ],
  [
    'interlaced RGB',
    () => raw(37, 23, 3).png({ progressive: true }).toBuffer(),
    /depth 8 colour 2 interlace 1/,
  ],
  [
    'interlaced greyscale',
    () => grey(37, 23).png({ progressive: true }).toBuffer(),
    /depth 8 colour 0 interlace 1/,
  ],
  [
    'interlaced palette 4-bit',
    () => raw(37, 23, 3).png({ palette: true, colours: 16, progressive: true }).toBuffer(),
    /depth 4 colour 3 interlace 1/,
  ],
  ['interlaced 1×1', () => raw(1, 1, 3).png({ progressive: true }).toBuffer(), /interlace 1/],
  ['the largest plain size, 128×128', () => raw(128, 128, 3).png().toBuffer(), /colour 2/],
  ...[1, 2, 4].map((bitDepth): [string, () => Promise<Buffer>, RegExp] => [
    `greyscale ${bitDepth}-bit`,
    async () => handPng({ width: 37, height: 23, bitDepth, colourType: 0 }),
    new RegExp(`depth ${bitDepth} colour 0`),
  ]),
  [
    'palette 1-bit',
    async () =>
      handPng({ width: 37, height: 23, bitDepth: 1, colourType: 3, extra: [chunk('PLTE', noise(6))] }),
    /depth 1 colour 3/,
  ],
  ...[0, 2].flatMap((colourType) =>
    [0, 1, 2, 3, 4, -1].map((type): [string, () => Promise<Buffer>, RegExp] => [
      `${colourType === 0 ? 'greyscale' : 'RGB'} 8-bit, ${type < 0 ? 'every filter type in turn' : `filter type ${type} on every row`}`,
      async () =>
        handPng({
          width: 37,
          height: 23,
          bitDepth: 8,
          colourType,
          filter: (y) => (type < 0 ? y % 5 : type),
        }),
      new RegExp(`depth 8 colour ${colourType} interlace 0`),
    ]),
  ),
  [
    'RGB with sRGB, text and a suggested palette',
    async () =>
      withChunks(
        await raw(9, 5, 3).png().toBuffer(),
        chunk('sRGB', Buffer.from([0])),
        chunk('tEXt', Buffer.from('Comment\0made by a test')),
        chunk('PLTE', noise(16 * 3)),
      ),
    /^IHDR sRGB tEXt PLTE pHYs IDAT IEND depth 8 colour 2/,
  ],
  [
    'palette with every other allowed chunk',
    async () =>
      handPng({
        width: 37,
        height: 23,
        bitDepth: 4,
        colourType: 3,
        rows: (n) => Buffer.from(noise(n).map((v) => v & 0x77)),
        extra: [
          chunk('sBIT', Buffer.from([5, 6, 5])),
          chunk('PLTE', noise(16 * 3)),
          chunk('bKGD', Buffer.from([3])),
          chunk('hIST', Buffer.alloc(32, 1)),
          chunk('pHYs', Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1])),
        ],
        after: [
          chunk('tIME', Buffer.from([0x07, 0xe9, 1, 2, 3, 4, 5])),
          chunk('tEXt', Buffer.from('Title\0digits')),
          chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0'), deflateSync('compressed text')])),
          chunk('iTXt', Buffer.from('Author\0\0\0en\0\0someone')),
        ],
      }),
    /^IHDR sBIT PLTE bKGD hIST pHYs IDAT tIME tEXt zTXt iTXt IEND depth 4 colour 3/,
  ],
  [
    'trailing bytes after IEND',
    async () => Buffer.concat([await raw(9, 5, 3).png().toBuffer(), noise(20)]),
    /IEND .* colour 2/,
  ],
];

describe('decodePlainPng', () => {
  test.each(eligible)('decodes %s on the plain path, byte-identical to sharp', async (_, make, header) => {
    const png = await make();
    expect(describePng(png)).toMatch(header);
    const expected = await viaSharp(png, 'x.png');
    const plain = decodePlainPng(png);
    expect(plain, describePng(png)).toBeDefined();
    expect(plain).toEqual({
      width: expected.width,
      height: expected.height,
      data: new Uint8Array(expected.data),
    });
    expect(await viaImage(png, 'x.png')).toEqual(plain);
  });

  const rgba = () => raw(16, 16, 4).png().toBuffer();
  const greyAlpha = () => grey(16, 16, 2).png().toBuffer();
  const paletteTrns = () =>
    sharp(Buffer.from(Array.from({ length: 16 * 16 * 4 }, (_, i) => (i % 8 === 3 ? 0 : i & 255))), {
      raw: { width: 16, height: 16, channels: 4 },
    })
      .png({ palette: true })
      .toBuffer();
  const iccp = () => raw(16, 16, 3).withIccProfile('p3').png().toBuffer();
  const rgbWith = async (type: string, data: Buffer) =>
    withChunks(await raw(16, 16, 3).png().toBuffer(), chunk(type, data));

  const ineligible: [string, () => Promise<Buffer>][] = [
    ['RGBA', rgba],
    ['greyscale + alpha', greyAlpha],
    ['RGB with tRNS', () => rgbWith('tRNS', Buffer.from([0, 1, 0, 2, 0, 3]))],
    ['palette with tRNS', paletteTrns],
    ['16-bit greyscale', async () => handPng({ width: 16, height: 16, bitDepth: 16, colourType: 0 })],
    ['16-bit RGB', async () => handPng({ width: 16, height: 16, bitDepth: 16, colourType: 2 })],
    ['an iCCP profile (sharp converts it to sRGB)', iccp],
    ['gAMA', () => rgbWith('gAMA', Buffer.from([0, 0, 0xb1, 0x8f]))],
    ['cHRM', () => rgbWith('cHRM', noise(32))],
    ['eXIf (sharp applies its orientation)', () => rgbWith('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0'))],
    ['an unknown ancillary chunk', () => rgbWith('prVt', noise(4))],
    ['a PNG over the plain size limit', () => raw(129, 128, 3).png().toBuffer()],
    ['JPEG', () => raw(16, 16, 3).jpeg().toBuffer()],
    [
      'palette indices past the palette (pngjs throws, sharp decodes)',
      async () =>
        handPng({
          width: 16,
          height: 4,
          bitDepth: 8,
          colourType: 3,
          extra: [chunk('PLTE', noise(3 * 4))],
          rows: (n) => Buffer.alloc(n, 9),
        }),
    ],
    [
      'an IEND with a bad CRC (pngjs throws, sharp decodes)',
      async () => {
        const png = await raw(16, 16, 3).png().toBuffer();
        return Buffer.concat([png.subarray(0, -12), chunk('IEND', new Uint8Array(0), { badCrc: true })]);
      },
    ],
    [
      'a zlib stream one byte too long (sharp decodes it)',
      async () => {
        const png = handPng({ width: 4, height: 4, bitDepth: 8, colourType: 2 });
        const scanlines = Buffer.concat([noise(4 * 13), Buffer.alloc(1)]);
        for (let row = 0; row < 4; row++) scanlines[row * 13] = 0;
        return Buffer.concat([png.subarray(0, 33), chunk('IDAT', deflateSync(scanlines)), png.subarray(-12)]);
      },
    ],
  ];

  test.each(ineligible)('leaves %s to sharp, and createImageDecoder matches sharp', async (_, make) => {
    const png = await make();
    expect(decodePlainPng(png), describePng(png)).toBeUndefined();
    expect(await viaImage(png, 'x.png')).toEqual(await viaSharp(png, 'x.png'));
  });

  test('the sharp-made ineligible PNGs are what they claim', async () => {
    expect(describePng(await rgba())).toContain('colour 6');
    expect(describePng(await greyAlpha())).toContain('colour 4');
    expect(describePng(await paletteTrns())).toMatch(/^IHDR PLTE tRNS .*colour 3/);
    expect(describePng(await iccp())).toMatch(/^IHDR iCCP /);
  });

  test('a caller can lower the size limit', async () => {
    const png = await raw(10, 10, 3).png().toBuffer();
    expect(decodePlainPng(png, { maxPixels: 100 })).toBeDefined();
    expect(decodePlainPng(png, { maxPixels: 99 })).toBeUndefined();
    expect(PLAIN_PNG_MAX_PIXELS).toBe(128 * 128);
  });

  test('malformed PNGs give undefined, so sharp reports them in its own words', async () => {
    const png = await raw(37, 23, 3).png().toBuffer();
    const scanlines = Buffer.concat(
      Array.from({ length: 23 }, () => Buffer.concat([Buffer.from([0]), noise(37 * 3)])),
    );
    const ihdr = png.subarray(8, 33);
    const iend = png.subarray(-12);
    const idat = (data: Uint8Array, options?: { badCrc?: boolean }) => chunk('IDAT', data, options);
    const stream = deflateSync(scanlines);
    const badChecksum = Buffer.from(stream);
    badChecksum.writeUInt8(badChecksum.readUInt8(badChecksum.length - 1) ^ 1, badChecksum.length - 1);
    const badFilter = Buffer.from(scanlines);
    badFilter[5 * (37 * 3 + 1)] = 7;
    const malformed = {
      empty: new Uint8Array(0),
      truncated: png.subarray(0, png.length >> 1),
      'bad IDAT CRC': Buffer.concat([SIGNATURE, ihdr, idat(stream, { badCrc: true }), iend]),
      'zlib stream too short': Buffer.concat([
        SIGNATURE,
        ihdr,
        idat(deflateSync(scanlines.subarray(50))),
        iend,
      ]),
      'zlib checksum wrong': Buffer.concat([SIGNATURE, ihdr, idat(badChecksum), iend]),
      'zlib stream cut': Buffer.concat([SIGNATURE, ihdr, idat(stream.subarray(0, -4)), iend]),
      'bad filter type': Buffer.concat([SIGNATURE, ihdr, idat(deflateSync(badFilter)), iend]),
      'IDATs split by another chunk': Buffer.concat([
        SIGNATURE,
        ihdr,
        idat(stream.subarray(0, 100)),
        chunk('tEXt', Buffer.from('a\0b')),
        idat(stream.subarray(100)),
        iend,
      ]),
      'palette image without PLTE': handPng({ width: 4, height: 4, bitDepth: 8, colourType: 3 }),
    };
    for (const [what, bytes] of Object.entries(malformed)) {
      expect(decodePlainPng(bytes), what).toBeUndefined();
      // One at a time: two sharp failures in flight together can lose one's text (seen: "Unknown error").
      const sharpError = await viaSharp(bytes, 'bad.png').then(
        () => undefined,
        (error: unknown) => error,
      );
      const imageError = await viaImage(bytes, 'bad.png').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(sharpError, what).toMatchObject({ code: 'IMAGE_DECODE_FAILED' });
      expect(imageError, what).toEqual(sharpError);
    }
  });
});

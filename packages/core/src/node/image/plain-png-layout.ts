import { crc32 } from 'node:zlib';

/** What the chunk walk learned about a plain PNG: enough to check and decode its pixels. */
export interface PlainPngLayout {
  width: number;
  height: number;
  /** IHDR's colour type: 0 grey, 2 RGB, 3 palette. */
  colourType: number;
  /** Bits per sample: 8 for RGB, 1 to 8 for grey and palette. */
  bitDepth: number;
  /** Adam7-interlaced rather than row by row. */
  interlaced: boolean;
  /** The IDAT payloads, in order; together they are one zlib stream. */
  idat: Uint8Array[];
  /** Offset just past the IEND chunk: bytes after it are not part of the image. */
  end: number;
  /** Exact size the zlib stream must inflate to: every row of every pass, with its filter byte. */
  inflatedBytes: number;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * The colour types taken (0 grey, 2 RGB, 3 palette), with the bit depths whose samples pngjs and sharp
 * expand to the same 8-bit values, and the samples per pixel. 16-bit is left out: sharp keeps the high
 * byte, pngjs rounds v × 255 / 65535, so 65280 becomes 255 in one and 254 in the other.
 */
const FORMATS: Partial<Record<number, { depths: readonly number[]; samples: number }>> = {
  0: { depths: [1, 2, 4, 8], samples: 1 },
  2: { depths: [8], samples: 3 },
  3: { depths: [1, 2, 4, 8], samples: 1 },
};

// Ancillary chunks that cannot change sharp's pixels (each checked in decode-png-plain.test.ts to decode
// byte-identically to sharp), allowed where the PNG spec puts them. Everything else is refused: tRNS
// (sharp flattens onto white), iCCP (sharp converts to sRGB), eXIf (sharp rotates), gAMA and cHRM
// (sharp ignores them today; refused so that a libvips honouring them cannot make the paths disagree),
// acTL and unknown chunks (nothing to gain from guessing).
const BEFORE_IDAT = new Set(['sRGB', 'sBIT', 'pHYs', 'bKGD', 'hIST', 'tIME', 'tEXt', 'zTXt', 'iTXt']);
const AFTER_IDAT = new Set(['tIME', 'tEXt', 'zTXt', 'iTXt']);

/** Adam7 passes as [x start, y start, x step, y step]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function rowsBytes(width: number, height: number, bitsPerPixel: number): number {
  if (width === 0 || height === 0) return 0;
  return height * (1 + Math.ceil((width * bitsPerPixel) / 8));
}

function inflatedBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  if (!interlaced) return rowsBytes(width, height, bitsPerPixel);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    total += rowsBytes(
      Math.ceil(Math.max(0, width - x0) / dx),
      Math.ceil(Math.max(0, height - y0) / dy),
      bitsPerPixel,
    );
  }
  return total;
}

/**
 * Walks the chunk headers of `bytes` (no inflating, no pixel work) and returns the layout when the file
 * is a "plain" PNG of at most `maxPixels` pixels: 8-bit RGB, or greyscale or palette of 1 to 8 bits,
 * with only the ancillary chunks listed above, in the canonical order (IHDR, PLTE, consecutive IDATs,
 * IEND), and every chunk's CRC right. Anything else, including every malformed file, gives undefined:
 * those are sharp's to decode or to report, so its messages stay the only ones.
 */
export function readPlainPngLayout(bytes: Uint8Array, maxPixels: number): PlainPngLayout | undefined {
  if (bytes.length < 8 + 25 + 12 + 12 || SIGNATURE.some((v, i) => bytes[i] !== v)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || chunkType(bytes, 12) !== 'IHDR' || !crcMatches(bytes, view, 8)) {
    return undefined;
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = view.getUint8(24);
  const colourType = view.getUint8(25);
  const interlace = view.getUint8(28);
  const format = FORMATS[colourType];
  if (width === 0 || height === 0 || width * height > maxPixels) return undefined;
  if (format === undefined || !format.depths.includes(bitDepth)) return undefined;
  // Compression and filter method 0 are the only ones defined; interlace is none (0) or Adam7 (1).
  if (view.getUint8(26) !== 0 || view.getUint8(27) !== 0 || interlace > 1) return undefined;

  const idat: Uint8Array[] = [];
  let seenPalette = false;
  let idatDone = false;
  for (let at = 33; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = chunkType(bytes, at + 4);
    const next = at + 12 + length;
    if (length > 0x7fffffff || next > bytes.length || !crcMatches(bytes, view, at)) return undefined;
    if (type === 'IEND') {
      if (length !== 0 || idat.length === 0) return undefined;
      const bitsPerPixel = bitDepth * format.samples;
      return {
        width,
        height,
        colourType,
        bitDepth,
        interlaced: interlace === 1,
        idat,
        end: next,
        inflatedBytes: inflatedBytes(width, height, bitsPerPixel, interlace === 1),
      };
    }
    if (type === 'IDAT') {
      // libpng rejects IDATs split by other chunks and palette images without a palette.
      if (idatDone || (colourType === 3 && !seenPalette)) return undefined;
      idat.push(bytes.subarray(at + 8, at + 8 + length));
    } else {
      if (idat.length > 0) idatDone = true;
      if (type === 'PLTE') {
        // Required for colour type 3, allowed as a suggestion for RGB, forbidden for grey.
        const maxEntries = colourType === 3 ? 2 ** bitDepth : 256;
        if (seenPalette || idat.length > 0 || colourType === 0) return undefined;
        if (length === 0 || length % 3 !== 0 || length / 3 > maxEntries) return undefined;
        seenPalette = true;
      } else if (!(idat.length > 0 ? AFTER_IDAT : BEFORE_IDAT).has(type)) {
        return undefined;
      }
    }
    at = next;
  }
  return undefined;
}

/** True when the chunk at `at` carries the CRC of its type and data. */
function crcMatches(bytes: Uint8Array, view: DataView, at: number): boolean {
  const length = view.getUint32(at);
  return crc32(bytes.subarray(at + 4, at + 8 + length)) === view.getUint32(at + 8 + length);
}

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

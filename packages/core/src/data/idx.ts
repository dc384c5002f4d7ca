import { HeadstartError } from '../errors.ts';

/** IDX magic numbers: two zero bytes, the element type (0x08 = unsigned byte) and the number of dimensions. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function invalid(message: string): HeadstartError {
  return new HeadstartError('DATASET_INVALID', message);
}

export interface ParseIdxOptions {
  bytes: Uint8Array;
  /** File name for messages. */
  name?: string;
}

/** An unsigned-byte IDX array: its dimensions and a view (not a copy) of its elements, row-major. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

function parseIdxWithMagic(bytes: Uint8Array, name: string, magic: number, what: string): IdxArray {
  if (bytes.length < 4)
    throw invalid(`IDX file "${name}" is truncated: ${bytes.length} bytes, not even a header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    throw invalid(`IDX file "${name}" starts with ${hex(found)}; ${what} files start with ${hex(magic)}.`);
  }
  const rank = magic & 0xff;
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw invalid(
      `IDX file "${name}" is truncated: ${bytes.length} bytes, its header alone needs ${headerLength}.`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual < expected) {
    throw invalid(
      `IDX file "${name}" is truncated: ${dims.join('×')} needs ${expected} data bytes, found ${actual}.`,
    );
  }
  if (actual > expected) {
    throw invalid(`IDX file "${name}" has ${actual - expected} bytes beyond its ${dims.join('×')} data.`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** Images from an IDX3 file (magic 0x00000803): `count` images of `rows × cols` grayscale bytes. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, a view into the file's buffer. */
  pixels: Uint8Array;
}

/** Parses an MNIST-style images file, naming the file in DATASET_INVALID errors. */
export function parseIdxImages({ bytes, name = 'images' }: ParseIdxOptions): IdxImages {
  const { dims, data } = parseIdxWithMagic(bytes, name, IDX_IMAGES_MAGIC, 'image');
  const [count, rows, cols] = dims as [number, number, number];
  if (rows === 0 || cols === 0) throw invalid(`IDX file "${name}" holds images of ${rows}×${cols} pixels.`);
  return { count, rows, cols, pixels: data };
}

/** Parses an MNIST-style labels file (magic 0x00000801): one byte per sample, a view into `bytes`. */
export function parseIdxLabels({ bytes, name = 'labels' }: ParseIdxOptions): Uint8Array {
  return parseIdxWithMagic(bytes, name, IDX_LABELS_MAGIC, 'label').data;
}

export interface ParseIdxPairOptions {
  images: Uint8Array;
  labels: Uint8Array;
  imagesName?: string;
  labelsName?: string;
}

/** Parses an images file and its labels file, checking that they describe the same number of samples. */
export function parseIdxPair({
  images,
  labels,
  imagesName = 'images',
  labelsName = 'labels',
}: ParseIdxPairOptions): IdxImages & { labels: Uint8Array } {
  const parsed = parseIdxImages({ bytes: images, name: imagesName });
  const labelBytes = parseIdxLabels({ bytes: labels, name: labelsName });
  if (labelBytes.length !== parsed.count) {
    throw invalid(
      `"${imagesName}" holds ${parsed.count} images but "${labelsName}" holds ${labelBytes.length} labels; they must match.`,
    );
  }
  return { ...parsed, labels: labelBytes };
}

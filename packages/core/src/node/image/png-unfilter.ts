/**
 * Reverses PNG's per-row filters in place, for a non-interlaced image whose samples are 8 bits: `rows` is
 * the whole inflated IDAT stream, `height` rows of one filter byte followed by `stride` bytes. Returns
 * false at the first filter type outside 0–4 (None, Sub, Up, Average, Paeth), with `rows` partly
 * rewritten. The arithmetic is the PNG specification's, modulo 256 (a Uint8Array store wraps).
 */
export function unfilterRows(
  rows: Uint8Array,
  { height, stride, bytesPerPixel }: { height: number; stride: number; bytesPerPixel: number },
): boolean {
  const bpp = bytesPerPixel;
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1) + 1;
    const end = start + stride;
    // The row above is stride + 1 bytes back; the first row has none, so it reads as zeros.
    const up = stride + 1;
    const first = y === 0;
    switch (rows[start - 1]) {
      case 0:
        break;
      case 1:
        for (let i = start + bpp; i < end; i++) rows[i] = (rows[i] as number) + (rows[i - bpp] as number);
        break;
      case 2:
        if (!first)
          for (let i = start; i < end; i++) rows[i] = (rows[i] as number) + (rows[i - up] as number);
        break;
      case 3:
        for (let i = start; i < end; i++) {
          const a = i - bpp >= start ? (rows[i - bpp] as number) : 0;
          const b = first ? 0 : (rows[i - up] as number);
          rows[i] = (rows[i] as number) + ((a + b) >> 1);
        }
        break;
      case 4:
        for (let i = start; i < end; i++) {
          const left = i - bpp >= start;
          const a = left ? (rows[i - bpp] as number) : 0;
          const b = first ? 0 : (rows[i - up] as number);
          const c = left && !first ? (rows[i - bpp - up] as number) : 0;
          rows[i] = (rows[i] as number) + paeth(a, b, c);
        }
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The Paeth predictor: of left, above and upper-left, the one nearest to left + above − upper-left. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = p > a ? p - a : a - p;
  const pb = p > b ? p - b : b - p;
  const pc = p > c ? p - c : c - p;
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

import { grayToRgb, HeadstartError, resizeImage, type RgbImage } from '@headstart/core';

/** MNIST's geometry: digits fitted into 20×20 and centred by mass in a 28×28 frame. */
const FRAME = 28;
const BOX = 20;
const INK_THRESHOLD = 24;

function toGray(image: RgbImage): Uint8Array {
  const gray = new Uint8Array(image.width * image.height);
  for (let i = 0; i < gray.length; i++) {
    const r = image.data[3 * i] as number;
    const g = image.data[3 * i + 1] as number;
    const b = image.data[3 * i + 2] as number;
    gray[i] = Math.max(r, g, b);
  }
  return gray;
}

function inkBox(gray: Uint8Array, width: number, height: number) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((gray[y * width + x] as number) > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : { x0, y0, x1, y1 };
}

/** The square crop around the ink, padded with black so the digit keeps its aspect ratio. */
function squareCrop(
  gray: Uint8Array,
  width: number,
  box: { x0: number; y0: number; x1: number; y1: number },
): RgbImage {
  const w = box.x1 - box.x0 + 1;
  const h = box.y1 - box.y0 + 1;
  const side = Math.max(w, h);
  const square = new Uint8Array(side * side);
  const dx = Math.floor((side - w) / 2);
  const dy = Math.floor((side - h) / 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++)
      square[(y + dy) * side + x + dx] = gray[(y + box.y0) * width + x + box.x0] as number;
  }
  return grayToRgb(side, side, square);
}

/**
 * Turns a drawing (light strokes on a dark canvas, any size) into an MNIST-like 28×28 digit: the ink's
 * bounding square is resized to 20×20 with the core's resize and placed so that its centre of mass sits
 * at the centre, as the MNIST digits were prepared. An empty canvas is INVALID_OPTION.
 */
export function drawingToDigit(image: RgbImage): RgbImage {
  const gray = toGray(image);
  const box = inkBox(gray, image.width, image.height);
  if (!box) throw new HeadstartError('INVALID_OPTION', 'The canvas is empty; draw a digit first.');
  const small = resizeImage({ image: squareCrop(gray, image.width, box), size: BOX });
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < BOX; y++) {
    for (let x = 0; x < BOX; x++) {
      const v = small.data[3 * (y * BOX + x)] as number;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const clamp = (v: number) => Math.max(0, Math.min(FRAME - BOX, v));
  const ox = clamp(Math.round(FRAME / 2 - 0.5 - (mass > 0 ? mx / mass : BOX / 2)));
  const oy = clamp(Math.round(FRAME / 2 - 0.5 - (mass > 0 ? my / mass : BOX / 2)));
  const frame = new Uint8Array(FRAME * FRAME);
  for (let y = 0; y < BOX; y++) {
    for (let x = 0; x < BOX; x++) frame[(y + oy) * FRAME + x + ox] = small.data[3 * (y * BOX + x)] as number;
  }
  return grayToRgb(FRAME, FRAME, frame);
}

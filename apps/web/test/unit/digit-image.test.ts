import { describe, expect, test } from 'vitest';
import { drawingToDigit } from '../../src/worker/digit-image.ts';

/** A black canvas with a white filled rectangle, as RGB. */
function canvasWith(size: number, rect: { x0: number; y0: number; x1: number; y1: number }) {
  const data = new Uint8Array(size * size * 3);
  for (let y = rect.y0; y <= rect.y1; y++)
    for (let x = rect.x0; x <= rect.x1; x++) data.fill(255, 3 * (y * size + x), 3 * (y * size + x) + 3);
  return { width: size, height: size, data };
}

function centreOfMass(image: { width: number; height: number; data: Uint8Array }) {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = image.data[3 * (y * image.width + x)] as number;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  return { x: mx / mass, y: my / mass, mass };
}

describe('drawingToDigit', () => {
  test('fits a stroke drawn off-centre into 20×20 and centres it by mass in 28×28, as MNIST does', () => {
    // A tall bar in the top-left corner of a 280×280 canvas: a "1".
    const digit = drawingToDigit(canvasWith(280, { x0: 20, y0: 10, x1: 60, y1: 200 }));
    expect([digit.width, digit.height]).toEqual([28, 28]);
    const c = centreOfMass(digit);
    expect(Math.abs(c.x - 13.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(c.y - 13.5)).toBeLessThanOrEqual(1);
    // The bar keeps its aspect ratio: 20 rows tall, about 4 columns wide.
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (let i = 0; i < 28 * 28; i++) {
      if ((digit.data[3 * i] as number) > 128) {
        rows.add(Math.floor(i / 28));
        cols.add(i % 28);
      }
    }
    expect(rows.size).toBeGreaterThanOrEqual(19);
    expect(cols.size).toBeLessThanOrEqual(6);
    // Grey, as the digits are: the three channels agree.
    for (let i = 0; i < 28 * 28; i++) expect(digit.data[3 * i + 1]).toBe(digit.data[3 * i]);
  });

  test('an empty canvas is refused with a message saying what to do', () => {
    expect(() => drawingToDigit(canvasWith(100, { x0: 1, y0: 1, x1: 0, y1: 0 }))).toThrow(
      'The canvas is empty; draw a digit first.',
    );
  });
});

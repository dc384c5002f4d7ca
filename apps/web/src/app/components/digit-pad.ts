import { h } from '../dom.ts';

const SIDE = 280;

/** A canvas to draw a digit on, light strokes on black as MNIST's digits are. */
export interface DigitPad {
  element: HTMLElement;
  /** The drawing as RGB pixels (SIDE × SIDE × 3). */
  pixels(): { width: number; height: number; rgb: Uint8Array };
  clear(): void;
  /** Whether anything has been drawn since the last clear. */
  isEmpty(): boolean;
}

export function createDigitPad(options: { onDone: () => void }): DigitPad {
  const canvas = h('canvas', { width: SIDE, height: SIDE, class: 'digit-canvas', testid: 'digit-canvas' });
  const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  let empty = true;
  let last: { x: number; y: number } | undefined;
  const clear = () => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, SIDE, SIDE);
    empty = true;
  };
  const point = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * SIDE,
      y: ((event.clientY - rect.top) / rect.height) * SIDE,
    };
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!last) return;
    const next = point(event);
    context.strokeStyle = '#fff';
    context.lineWidth = 22;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(next.x, next.y);
    context.stroke();
    last = next;
    empty = false;
  });
  const finish = () => {
    if (!last) return;
    last = undefined;
    if (!empty) options.onDone();
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  clear();
  return {
    element: canvas,
    pixels() {
      const rgba = context.getImageData(0, 0, SIDE, SIDE).data;
      const rgb = new Uint8Array(SIDE * SIDE * 3);
      for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
        rgb[q] = rgba[p] as number;
        rgb[q + 1] = rgba[p + 1] as number;
        rgb[q + 2] = rgba[p + 2] as number;
      }
      return { width: SIDE, height: SIDE, rgb };
    },
    clear,
    isEmpty: () => empty,
  };
}

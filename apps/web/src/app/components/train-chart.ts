import type { EpochRecord } from '@headstart/core/browser';
import { h } from '../dom.ts';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 160;
const PAD = { left: 40, right: 8, top: 24, bottom: 22 };

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** One panel: a title, axes and a polyline per series, scaled to the values so far. */
function panel(
  title: string,
  series: { name: string; values: (number | undefined)[]; colour: string }[],
  epochs: number,
  positions: number[],
  fixedMax?: number,
): SVGElement {
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: 'chart-panel',
    role: 'img',
    'aria-label': title,
  });
  const all = series.flatMap((s) =>
    s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)),
  );
  const max = fixedMax ?? Math.max(1e-6, ...all) * 1.05;
  const x = (i: number) => PAD.left + (epochs <= 1 ? 0 : (i / (epochs - 1)) * (WIDTH - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - v / max) * (HEIGHT - PAD.top - PAD.bottom);
  root.append(
    svg('text', { x: 4, y: 12, class: 'chart-title' }, title),
    svg('line', { x1: PAD.left, y1: y(0), x2: WIDTH - PAD.right, y2: y(0), class: 'axis' }),
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: y(0), class: 'axis' }),
    svg(
      'text',
      { x: PAD.left - 4, y: PAD.top + 4, class: 'tick', 'text-anchor': 'end' },
      max.toFixed(max < 10 ? 2 : 0),
    ),
    svg('text', { x: PAD.left - 4, y: y(0), class: 'tick', 'text-anchor': 'end' }, '0'),
    svg(
      'text',
      { x: WIDTH - PAD.right, y: HEIGHT - 6, class: 'tick', 'text-anchor': 'end' },
      `epoch ${epochs}`,
    ),
  );
  series.forEach((s, k) => {
    // `values[j]` belongs to epoch index `positions[j]`: a long run is drawn from a sample of its epochs.
    const points = s.values.flatMap((v, j) =>
      v === undefined || !Number.isFinite(v) ? [] : [`${x(positions[j] ?? j).toFixed(1)},${y(v).toFixed(1)}`],
    );
    if (points.length > 0)
      root.append(
        svg('polyline', { points: points.join(' '), fill: 'none', stroke: s.colour, 'stroke-width': 2 }),
      );
    root.append(
      svg(
        'text',
        {
          x: WIDTH - PAD.right - (series.length - k) * 64,
          y: 12,
          class: 'legend',
          style: `fill: ${s.colour}`,
        },
        `— ${s.name}`,
      ),
    );
  });
  return root;
}

/** The live loss and accuracy chart of a training run, redrawn at most once a frame as epochs arrive. */
export interface TrainChart {
  element: HTMLElement;
  reset(epochs: number): void;
  add(record: EpochRecord): void;
}

/**
 * Most points a polyline gets. A panel is 320 units wide, so more points than this add nothing one can
 * see, while a run of many short epochs would otherwise redraw ever longer lines after every epoch.
 */
const MAX_POINTS = 640;

/** Evenly spaced indices into `length` items, first and last included, at most `MAX_POINTS` of them. */
function sampleIndices(length: number): number[] {
  if (length <= MAX_POINTS) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: MAX_POINTS }, (_, k) => Math.round((k * (length - 1)) / (MAX_POINTS - 1)));
}

export function createTrainChart(): TrainChart {
  const element = h('div', { class: 'train-chart', testid: 'train-chart' });
  let history: EpochRecord[] = [];
  let epochs = 1;
  let pending = false;
  const draw = () => {
    pending = false;
    const picked = sampleIndices(history.length);
    const values = (pick: (r: EpochRecord) => number | undefined) =>
      picked.map((i) => {
        const record = history[i];
        return record === undefined ? undefined : pick(record);
      });
    element.replaceChildren(
      panel(
        'loss',
        [
          { name: 'train', values: values((r) => r.loss), colour: '#3b6fd4' },
          { name: 'validation', values: values((r) => r.valLoss), colour: '#e07b24' },
        ],
        epochs,
        picked,
      ),
      panel(
        'accuracy',
        [
          { name: 'train', values: values((r) => r.accuracy), colour: '#3b6fd4' },
          { name: 'validation', values: values((r) => r.valAccuracy), colour: '#e07b24' },
        ],
        epochs,
        picked,
        1,
      ),
    );
  };
  // Epochs of a small dataset can arrive faster than frames; one redraw per frame keeps the page responsive.
  const scheduleDraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(draw);
  };
  draw();
  return {
    element,
    reset(total) {
      history = [];
      epochs = Math.max(1, total);
      element.dataset.epochs = '0';
      scheduleDraw();
    },
    add(record) {
      history.push(record);
      element.dataset.epochs = String(history.length);
      scheduleDraw();
    },
  };
}

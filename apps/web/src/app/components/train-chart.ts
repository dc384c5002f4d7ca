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
    const points = s.values.flatMap((v, i) =>
      v === undefined || !Number.isFinite(v) ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`],
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

/** The live loss and accuracy chart of a training run, redrawn after every epoch. */
export interface TrainChart {
  element: HTMLElement;
  reset(epochs: number): void;
  add(record: EpochRecord): void;
  records(): EpochRecord[];
}

export function createTrainChart(): TrainChart {
  const element = h('div', { class: 'train-chart', testid: 'train-chart' });
  let history: EpochRecord[] = [];
  let epochs = 1;
  const draw = () => {
    element.replaceChildren(
      panel(
        'loss',
        [
          { name: 'train', values: history.map((r) => r.loss), colour: '#3b6fd4' },
          { name: 'validation', values: history.map((r) => r.valLoss), colour: '#e07b24' },
        ],
        epochs,
      ),
      panel(
        'accuracy',
        [
          { name: 'train', values: history.map((r) => r.accuracy), colour: '#3b6fd4' },
          { name: 'validation', values: history.map((r) => r.valAccuracy), colour: '#e07b24' },
        ],
        epochs,
        1,
      ),
    );
    element.dataset.epochs = String(history.length);
  };
  draw();
  return {
    element,
    reset(total) {
      history = [];
      epochs = Math.max(1, total);
      draw();
    },
    add(record) {
      history.push(record);
      draw();
    },
    records: () => [...history],
  };
}

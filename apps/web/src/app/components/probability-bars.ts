import type { RankedLabel } from '@headstart/core/browser';
import { formatPercent, h } from '../dom.ts';

/**
 * The top-k labels of one image as horizontal bars, most probable first. Each bar carries the exact
 * probability in `data-probability` so tests and tools can read it without rounding.
 */
export function probabilityBars(top: readonly RankedLabel[]): HTMLElement {
  return h(
    'ol',
    { class: 'bars', testid: 'bars' },
    ...top.map((entry, i) =>
      h(
        'li',
        {
          class: i === 0 ? 'bar best' : 'bar',
          testid: 'bar',
          'data-label': entry.label,
          'data-probability': String(entry.probability),
        },
        h('span', { class: 'bar-label' }, entry.label),
        h(
          'span',
          { class: 'bar-track' },
          h('span', { class: 'bar-fill', style: `width: ${(entry.probability * 100).toFixed(2)}%` }),
        ),
        h('span', { class: 'bar-value' }, formatPercent(entry.probability)),
      ),
    ),
  );
}

import { h } from '../dom.ts';

/** confusion[actual][predicted] as a table, cells shaded by their share of the row. */
export function confusionMatrix(options: {
  labels: readonly string[];
  confusion: readonly (readonly number[])[];
}): HTMLElement {
  const { labels, confusion } = options;
  const head = h(
    'tr',
    {},
    h('th', { class: 'corner' }, 'actual ↓ / predicted →'),
    ...labels.map((label) => h('th', { scope: 'col' }, label)),
  );
  const rows = confusion.map((row, a) => {
    const total = row.reduce((sum, v) => sum + v, 0);
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, labels[a] ?? String(a)),
      ...row.map((count, p) => {
        const share = total > 0 ? count / total : 0;
        const tone =
          a === p
            ? `rgba(34, 139, 84, ${0.15 + 0.7 * share})`
            : count > 0
              ? `rgba(200, 60, 60, ${0.15 + 0.7 * share})`
              : 'transparent';
        return h(
          'td',
          { style: `background: ${tone}`, 'data-actual': labels[a] ?? '', 'data-predicted': labels[p] ?? '' },
          String(count),
        );
      }),
    );
  });
  return h(
    'table',
    { class: 'confusion', testid: 'confusion-matrix' },
    h('thead', {}, head),
    h('tbody', {}, ...rows),
  );
}

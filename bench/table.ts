import type { BenchRow } from './stats.ts';

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toPrecision(3);
}

/** The results as one fixed-width text table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['section', 'benchmark', 'median', 'unit', 'runs', 'ratio', 'target', 'note'];
  const body = rows.map((row) => [
    row.section,
    row.name,
    formatValue(row.value),
    row.unit,
    String(row.runs),
    row.ratio ? `${row.ratio.value.toFixed(2)}× ${row.ratio.against}` : '',
    row.target ?? '',
    row.note ?? '',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((cells) => (cells[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 2 || i === 4 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

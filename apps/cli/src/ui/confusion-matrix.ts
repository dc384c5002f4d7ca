import pc from 'picocolors';
import type { ClassificationReport } from '@headstart/core';

/** The confusion matrix as terminal text: rows actual, columns predicted, the diagonal in green. */
export function formatConfusionMatrix(report: ClassificationReport): string {
  const labels = report.labels.map((l) => (l.length > 10 ? `${l.slice(0, 9)}…` : l));
  const width =
    Math.max(5, ...labels.map((l) => l.length), ...report.confusion.flat().map((n) => String(n).length)) + 1;
  const rowHead = Math.max(...labels.map((l) => l.length), 'actual \\ predicted'.length) + 1;
  const lines = [`${'actual \\ predicted'.padEnd(rowHead)}${labels.map((l) => l.padStart(width)).join('')}`];
  report.confusion.forEach((row, i) => {
    const cells = row.map((n, j) => {
      const text = String(n).padStart(width);
      if (i === j) return pc.green(text);
      return n > 0 ? pc.red(text) : pc.dim(text);
    });
    lines.push(`${(labels[i] ?? '').padEnd(rowHead)}${cells.join('')}`);
  });
  return lines.join('\n');
}

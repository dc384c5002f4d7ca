import type { ClassificationReport, EpochRecord } from '@headstart/core';

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

function confusionSvg(report: ClassificationReport): string {
  const n = report.labels.length;
  const cell = Math.max(24, Math.min(56, Math.floor(560 / n)));
  const margin = 110;
  const size = margin + n * cell + 10;
  const rows = report.confusion;
  const parts: string[] = [];
  rows.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, j) => {
      const share = count / total;
      const hue = i === j ? 140 : 0;
      const light = 100 - Math.round(share * 60);
      parts.push(
        `<rect x="${margin + j * cell}" y="${margin + i * cell}" width="${cell}" height="${cell}" fill="hsl(${hue},60%,${light}%)" stroke="#fff"><title>actual ${escape(report.labels[i] ?? '')}, predicted ${escape(report.labels[j] ?? '')}: ${count}</title></rect>`,
        `<text x="${margin + j * cell + cell / 2}" y="${margin + i * cell + cell / 2 + 4}" text-anchor="middle" font-size="${Math.min(12, cell / 3)}">${count}</text>`,
      );
    });
    parts.push(
      `<text x="${margin - 6}" y="${margin + i * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${escape(report.labels[i] ?? '')}</text>`,
    );
    parts.push(
      `<text transform="translate(${margin + i * cell + cell / 2},${margin - 6}) rotate(-45)" font-size="12">${escape(report.labels[i] ?? '')}</text>`,
    );
  });
  parts.push(`<text x="4" y="14" font-size="12" fill="#555">rows: actual · columns: predicted</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" font-family="sans-serif">${parts.join('')}</svg>`;
}

function curveSvg(
  history: EpochRecord[],
  series: { key: keyof EpochRecord; label: string; color: string }[],
  title: string,
): string {
  const w = 460;
  const h = 260;
  const pad = 40;
  const values = history
    .flatMap((r) => series.map((s) => r[s.key] as number | undefined))
    .filter((v): v is number => v !== undefined);
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const x = (epoch: number) => pad + ((epoch - 1) / Math.max(1, history.length - 1)) * (w - 2 * pad);
  const y = (v: number) => h - pad - ((v - min) / span) * (h - 2 * pad);
  const lines = series.map((s, k) => {
    const points = history
      .filter((r) => r[s.key] !== undefined)
      .map((r) => `${x(r.epoch).toFixed(1)},${y(r[s.key] as number).toFixed(1)}`);
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/><text x="${w - pad}" y="${pad + 14 * k}" text-anchor="end" fill="${s.color}" font-size="12">${s.label}</text>`;
  });
  const axis = `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#999"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#999"/>`;
  const ticks = `<text x="${pad - 4}" y="${y(max) + 4}" text-anchor="end" font-size="11">${max.toFixed(3)}</text><text x="${pad - 4}" y="${y(min) + 4}" text-anchor="end" font-size="11">${min.toFixed(3)}</text><text x="${w / 2}" y="${h - 8}" text-anchor="middle" font-size="11">epoch (1–${history.length})</text>`;
  return `<figure><figcaption>${title}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">${axis}${ticks}${lines.join('')}</svg></figure>`;
}

/** A self-contained HTML page (inline SVG, no scripts or network) with the confusion matrix and training curves. */
export function renderEvaluationHtml(options: {
  title: string;
  report: ClassificationReport;
  history: EpochRecord[];
  subtitle: string;
}): string {
  const { report, history } = options;
  const rows = report.labels
    .map((label, i) => {
      const c = report.perClass[i];
      return c
        ? `<tr><td>${escape(label)}</td><td>${c.precision.toFixed(3)}</td><td>${c.recall.toFixed(3)}</td><td>${c.f1.toFixed(3)}</td><td>${c.support}</td></tr>`
        : '';
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(options.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:1rem 2rem 1rem 0}figcaption{font-weight:600;margin-bottom:.5rem}.big{font-size:2rem;font-weight:700;color:#1a7f37}</style></head><body>
<h1>${escape(options.title)}</h1><p>${escape(options.subtitle)}</p>
<p class="big">${(report.accuracy * 100).toFixed(2)} % accuracy</p><p>${report.total} images · macro F1 ${report.macro.f1.toFixed(3)} · weighted F1 ${report.weighted.f1.toFixed(3)}</p>
<figure><figcaption>Confusion matrix</figcaption>${confusionSvg(report)}</figure>
${curveSvg(
  history,
  [
    { key: 'loss', label: 'loss', color: '#0969da' },
    { key: 'valLoss', label: 'val_loss', color: '#cf222e' },
  ],
  'Loss per epoch',
)}
${curveSvg(
  history,
  [
    { key: 'accuracy', label: 'accuracy', color: '#0969da' },
    { key: 'valAccuracy', label: 'val_accuracy', color: '#cf222e' },
  ],
  'Accuracy per epoch',
)}
<h2>Per class</h2><table><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>
`;
}

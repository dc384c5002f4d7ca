/**
 * Just enough of the Prometheus text exposition format (version 0.0.4) for the API's metrics: counters
 * and histograms with labels, and gauges read when scraped.
 */

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface Metric {
  render(): string;
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
  count(labels?: Labels): number;
}

/** A set of metrics rendered together for `/metrics`. */
export interface Registry {
  counter(options: { name: string; help: string }): Counter;
  histogram(options: { name: string; help: string; buckets: readonly number[] }): Histogram;
  /** A gauge whose value is read from `read` at scrape time. */
  gauge(options: { name: string; help: string; read: () => number }): void;
  render(): string;
}

/** Creates an empty registry. */
export function createRegistry(): Registry {
  const metrics: Metric[] = [];
  return {
    counter({ name, help }) {
      const series = new Map<string, { labels: Labels; value: number }>();
      metrics.push({
        render: () =>
          [`# HELP ${name} ${help}`, `# TYPE ${name} counter`]
            .concat(
              [...series.values()].map((s) => `${name}${formatLabels(s.labels)} ${formatValue(s.value)}`),
            )
            .join('\n'),
      });
      return {
        inc(labels = {}, by = 1) {
          const key = keyOf(labels);
          const s = series.get(key) ?? { labels, value: 0 };
          s.value += by;
          series.set(key, s);
        },
        get: (labels = {}) => series.get(keyOf(labels))?.value ?? 0,
      };
    },
    histogram({ name, help, buckets }) {
      const bounds = [...buckets].sort((a, b) => a - b);
      const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
      metrics.push({
        render: () => {
          const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
          for (const s of series.values()) {
            let cumulative = 0;
            bounds.forEach((bound, i) => {
              cumulative += s.counts[i] as number;
              lines.push(`${name}_bucket${formatLabels(s.labels, ['le', formatValue(bound)])} ${cumulative}`);
            });
            lines.push(`${name}_bucket${formatLabels(s.labels, ['le', '+Inf'])} ${s.count}`);
            lines.push(`${name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`);
            lines.push(`${name}_count${formatLabels(s.labels)} ${s.count}`);
          }
          return lines.join('\n');
        },
      });
      return {
        observe(value, labels = {}) {
          const key = keyOf(labels);
          let s = series.get(key);
          if (!s) {
            s = { labels, counts: bounds.map(() => 0), sum: 0, count: 0 };
            series.set(key, s);
          }
          const i = bounds.findIndex((bound) => value <= bound);
          if (i >= 0) s.counts[i] = (s.counts[i] as number) + 1;
          s.sum += value;
          s.count += 1;
        },
        count: (labels = {}) => series.get(keyOf(labels))?.count ?? 0,
      };
    },
    gauge({ name, help, read }) {
      metrics.push({
        render: () => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${formatValue(read())}`,
      });
    },
    render: () => `${metrics.map((m) => m.render()).join('\n')}\n`,
  };
}

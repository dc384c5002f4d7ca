/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** One line of the results table and one entry of the JSON. */
export interface BenchRow {
  section: string;
  name: string;
  /** Median over `runs`. */
  value: number;
  unit: string;
  runs: number;
  /** Every run's value, for the JSON. */
  samples?: number[];
  /** `value / baseline.value` where a baseline was measured in the same run. */
  ratio?: { value: number; against: string };
  target?: string;
  note?: string;
  /** 1-minute load average when the row was recorded. */
  loadAverage?: number;
}

/** Runs `once` `runs` times and returns each result. */
export async function repeat<T>(runs: number, once: (run: number) => Promise<T> | T): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await once(i));
  return out;
}

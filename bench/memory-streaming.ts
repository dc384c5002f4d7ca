import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './stats.ts';

export interface StreamingResult {
  rows: number;
  dim: number;
  fileBytes: number;
  peakRssMiB: number;
  rssBeforeTrainingMiB: number;
  samplesPerSecond: number;
  durationMs: number;
}

/** Runs memory-child.ts in a fresh Node process (same loader flags as this one) and parses its line. */
function runChild(rows: number, dim: number, threads: number): Promise<StreamingResult> {
  const script = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, script, String(rows), String(dim), String(threads)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`The memory case for ${rows} rows exited with ${code}.`));
      else resolve(JSON.parse(line) as StreamingResult);
    });
  });
}

/**
 * Peak RSS of training the tutorial head on `rows` file-backed 25,088-dim features, and on a quarter as
 * many: if features stream, the peak stays flat as rows (and the file) grow fourfold.
 */
export async function benchStreamingMemory(options: { rows: number; threads: number }): Promise<{
  results: StreamingResult[];
  rows: BenchRow[];
}> {
  const dim = 25088;
  // Both sizes above the standardizer's 1,024-row pass, whose buffer is the one part that grows up to it.
  const sizes = [Math.max(1100, Math.round(options.rows / 4)), Math.max(options.rows, 4400)];
  const results: StreamingResult[] = [];
  for (const rows of sizes) results.push(await runChild(rows, dim, options.threads));
  const [small, large] = results as [StreamingResult, StreamingResult];
  const growth = large.peakRssMiB - small.peakRssMiB;
  const rowsOut: BenchRow[] = results.map((r) => ({
    section: 'memory',
    name: `tutorial head, ${r.rows.toLocaleString('en-US')} streamed 25,088-d rows (${(r.fileBytes / 2 ** 30).toFixed(2)} GiB file)`,
    value: r.peakRssMiB,
    unit: 'MiB peak RSS',
    runs: 1,
    target: '< 2,048 MiB at 49,000 rows',
    note: `${r.samplesPerSecond.toFixed(0)} samples/s`,
  }));
  const perThousand = (growth / (large.rows - small.rows)) * 1000;
  rowsOut.push({
    section: 'memory',
    name: 'peak RSS growth per 1,000 more rows',
    value: perThousand,
    unit: 'MiB',
    runs: 1,
    note: `at 49,000 rows ≈ ${(large.peakRssMiB + (Math.max(0, perThousand) * (49000 - large.rows)) / 1000).toFixed(0)} MiB (features alone: ${((49000 * dim * 4) / 2 ** 20).toFixed(0)} MiB)`,
  });
  return { results, rows: rowsOut };
}

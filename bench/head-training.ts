import { parseHeadSpec } from '../packages/core/src/head/head-spec.ts';
import { syntheticClusters } from '../packages/core/src/head/synthetic-clusters.ts';
import { trainHead } from '../packages/core/src/head/train-head.ts';
import { KERNEL_MODES, useKernelMode, type KernelMode } from './kernel-modes.ts';
import { median } from './stats.ts';

/** Rows and epochs of one training run; the first epoch is warm-up and is not counted. */
export interface RunSize {
  rows: number;
  epochs: number;
}

export interface HeadCase {
  dim: number;
  /** Per kernel mode: stock kernels are far slower, so they train on fewer rows. */
  sizes: Record<KernelMode, RunSize>;
}

export interface HeadModeResult {
  mode: KernelMode;
  rows: number;
  /** samples/s of every epoch after the first. */
  samplesPerSecond: number[];
  median: number;
}

export interface HeadCaseResult {
  dim: number;
  modes: HeadModeResult[];
  /** Largest |loss difference| over the epochs of the same seeded run with stock kernels and ours. */
  maxLossDelta: number;
  lossCurve: { stock: number[]; ours: number[] };
}

const NUM_CLASSES = 10;
const BATCH = 128;

async function train(data: ReturnType<typeof syntheticClusters>, rows: number, epochs: number) {
  const dim = data.dim;
  const result = await trainHead({
    train: { features: data.features.subarray(0, rows * dim), labels: data.labels.subarray(0, rows), dim },
    spec: parseHeadSpec({ value: 'tutorial' }),
    numClasses: NUM_CLASSES,
    epochs,
    batchSize: BATCH,
    seed: 42,
  });
  result.model.dispose();
  return result.history;
}

/**
 * Trains the tutorial head (Dense 1000/500/150, dropout, Adam, batch 128) on synthetic `dim`-wide
 * features with each kernel mode in turn, in this one process and run; then trains the stock mode's run
 * again with ours to compare the loss curves.
 */
export async function benchHeadTraining(options: {
  cases: HeadCase[];
  threads: number;
  log?: (message: string) => void;
}): Promise<HeadCaseResult[]> {
  const results: HeadCaseResult[] = [];
  for (const { dim, sizes } of options.cases) {
    const rows = Math.max(...KERNEL_MODES.map((m) => sizes[m].rows));
    const data = syntheticClusters({
      numClasses: NUM_CLASSES,
      dim,
      perClass: Math.ceil(rows / NUM_CLASSES),
      seed: 1,
      separation: 0.05,
    });
    const modes: HeadModeResult[] = [];
    let stockLosses: number[] = [];
    for (const mode of KERNEL_MODES) {
      options.log?.(`  ${dim}-d, ${mode}: ${sizes[mode].rows} rows × ${sizes[mode].epochs} epochs`);
      useKernelMode(mode, options.threads);
      const history = await train(data, sizes[mode].rows, sizes[mode].epochs);
      if (mode === 'stock') stockLosses = history.map((h) => h.loss);
      const counted = history.slice(1).map((h) => h.samplesPerSecond);
      modes.push({ mode, rows: sizes[mode].rows, samplesPerSecond: counted, median: median(counted) });
    }
    useKernelMode('ours', options.threads);
    const oursLosses = (await train(data, sizes.stock.rows, sizes.stock.epochs)).map((h) => h.loss);
    const maxLossDelta = Math.max(...stockLosses.map((l, i) => Math.abs(l - (oursLosses[i] as number))));
    results.push({ dim, modes, maxLossDelta, lossCurve: { stock: stockLosses, ours: oursLosses } });
  }
  return results;
}

/**
 * The benchmark suite (`pnpm bench`): raw ONNX Runtime throughput on the VGG16 conv base, end-to-end
 * feature extraction, head training with the stock tf.js WASM kernels and with ours, and optionally the
 * streaming-memory case. Prints one table and writes bench/results/<timestamp>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTfjs } from '../packages/core/src/node/head/tfjs-backend.ts';
import { parseBenchArgs } from './args.ts';
import { benchCuda } from './cuda.ts';
import { benchExtraction, type ExtractCase, type ExtractCaseResult } from './extraction.ts';
import { benchHeadTraining, type HeadCase, type HeadCaseResult } from './head-training.ts';
import { disposeKernelModes, KERNEL_MODE_LABELS } from './kernel-modes.ts';
import { currentLoad, machineInfo } from './machine.ts';
import { benchStreamingMemory, type StreamingResult } from './memory-streaming.ts';
import { median, peakRssMiB, type BenchRow } from './stats.ts';
import { vgg16Flops } from './vgg-model.ts';
import { formatTable } from './table.ts';

interface SuiteConfig {
  extract: ExtractCase[];
  head: HeadCase[];
  cudaRuns: number;
}

const QUICK: SuiteConfig = {
  extract: [
    { size: 224, batch: 8, images: 32, runs: 2, workerBatches: 1 },
    { size: 32, batch: 128, images: 1024, runs: 2, workerBatches: 2 },
  ],
  head: [
    {
      dim: 25088,
      sizes: {
        stock: { rows: 128, epochs: 3 },
        transpose: { rows: 256, epochs: 3 },
        'wasm-only': { rows: 256, epochs: 3 },
        ours: { rows: 512, epochs: 4 },
      },
    },
    {
      dim: 512,
      sizes: {
        stock: { rows: 1024, epochs: 3 },
        transpose: { rows: 2048, epochs: 3 },
        'wasm-only': { rows: 2048, epochs: 3 },
        ours: { rows: 4096, epochs: 4 },
      },
    },
  ],
  cudaRuns: 5,
};

const FULL: SuiteConfig = {
  extract: [
    { size: 224, batch: 8, images: 160, runs: 5, workerBatches: 4 },
    { size: 32, batch: 128, images: 2048, runs: 5, workerBatches: 8 },
  ],
  head: [
    {
      dim: 25088,
      sizes: {
        stock: { rows: 256, epochs: 4 },
        transpose: { rows: 512, epochs: 4 },
        'wasm-only': { rows: 512, epochs: 4 },
        ours: { rows: 1024, epochs: 6 },
      },
    },
    {
      dim: 512,
      sizes: {
        stock: { rows: 2048, epochs: 4 },
        transpose: { rows: 4096, epochs: 4 },
        'wasm-only': { rows: 4096, epochs: 4 },
        ours: { rows: 8192, epochs: 6 },
      },
    },
  ],
  cudaRuns: 20,
};

const HEAD_TARGETS: Record<number, number> = { 25088: 250, 512: 5000 };

function extractRows(results: ExtractCaseResult[], threads: number): BenchRow[] {
  return results.flatMap((r): BenchRow[] => {
    const what = `VGG16 ${r.size}×${r.size}, batch ${r.batch}`;
    const raw = median(r.raw);
    const e2e = median(r.endToEnd);
    const worker = median(r.workerOnly);
    return [
      {
        section: 'ort raw',
        name: `${what}, in-process session, ${threads} threads`,
        value: raw,
        unit: 'images/s',
        runs: r.raw.length,
        samples: r.raw,
        note: `${((raw * vgg16Flops(r.size)) / 1e9).toFixed(0)} GFLOP/s`,
      },
      {
        section: 'extract',
        name: `${what}, ${r.images.toLocaleString('en-US')} PNGs end to end`,
        value: e2e,
        unit: 'images/s',
        runs: r.endToEnd.length,
        samples: r.endToEnd,
        ratio: { value: median(r.ratios), against: 'ort raw' },
        target: '≥ 0.95× ort raw',
        note: `prepare ${(r.prepareMsPerBatch / r.batch).toFixed(2)} ms/image alone`,
      },
      {
        section: 'extract',
        name: `${what}, worker session.run only`,
        value: worker,
        unit: 'images/s',
        runs: r.workerOnly.length,
        samples: r.workerOnly,
        ratio: { value: worker / raw, against: 'ort raw' },
      },
    ];
  });
}

function headRows(results: HeadCaseResult[]): BenchRow[] {
  return results.flatMap((r) => {
    const stock = r.modes.find((m) => m.mode === 'stock');
    return r.modes.map((m): BenchRow => {
      const ours = m.mode === 'ours';
      return {
        section: 'head',
        name: `tutorial head, ${r.dim.toLocaleString('en-US')}-d, ${KERNEL_MODE_LABELS[m.mode]}`,
        value: m.median,
        unit: 'samples/s',
        runs: m.samplesPerSecond.length,
        samples: m.samplesPerSecond,
        ...(stock && m.mode !== 'stock'
          ? { ratio: { value: m.median / stock.median, against: 'stock' } }
          : {}),
        ...(ours ? { target: `≥ ${(HEAD_TARGETS[r.dim] ?? 0).toLocaleString('en-US')}` } : {}),
        ...(ours
          ? { note: `max |Δloss| vs stock ${r.maxLossDelta.toExponential(1)}` }
          : { note: `${m.rows} rows` }),
      };
    });
  });
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const selected = (section: string) => args.only.length === 0 || args.only.includes(section);
  const config = args.quick ? QUICK : FULL;
  const threads = availableParallelism();
  const machine = machineInfo();
  const started = Date.now();
  const log = (message: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);
  log(
    `${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage}; ${args.quick ? 'quick' : 'full'} run`,
  );

  const rows: BenchRow[] = [];
  /** Adds a section's rows, stamped with the load average they were measured under. */
  const add = (...added: BenchRow[]) =>
    rows.push(...added.map((row) => ({ ...row, loadAverage: currentLoad() })));
  let extraction: ExtractCaseResult[] = [];
  let head: HeadCaseResult[] = [];
  let memory: StreamingResult[] = [];
  if (selected('ort') || selected('extract')) {
    log('raw ORT session and end-to-end extraction, alternating');
    extraction = await benchExtraction({ cases: config.extract, threads });
    add(...extractRows(extraction, threads));
  }
  if (selected('head')) {
    log('head training');
    const tfjs = await initTfjs({ backend: 'wasm' });
    if (tfjs.backend !== 'wasm')
      throw new Error(`Head training needs the wasm backend; got ${tfjs.backend}.`);
    try {
      head = await benchHeadTraining({ cases: config.head, threads, log });
    } finally {
      disposeKernelModes();
    }
    add(...headRows(head));
  }
  if (selected('cuda')) add(await benchCuda({ requested: args.device === 'cuda', runs: config.cudaRuns }));
  add({
    section: 'process',
    name: 'peak RSS of this process',
    value: peakRssMiB(),
    unit: 'MiB',
    runs: 1,
  });
  if (args.memory && (args.only.length === 0 || selected('memory'))) {
    log(`streaming memory (${args.memoryRows} rows, in child processes)`);
    const streamed = await benchStreamingMemory({ rows: args.memoryRows, threads });
    memory = streamed.results;
    add(...streamed.rows);
  }

  const finishedLoad = currentLoad();
  const table = formatTable(rows);
  process.stdout.write(
    `\n${machine.cpuModel} · ${machine.cores} cores · ${machine.memoryGiB} GiB · Node ${machine.node}\n`,
  );
  process.stdout.write(`${table}\n`);
  if (Math.max(machine.loadAverage, finishedLoad) > threads * 0.75 + 1) {
    process.stdout.write(
      `Note: load average ${machine.loadAverage} → ${finishedLoad}: other processes shared the cores.\n`,
    );
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const out =
    args.out ?? join(here, 'results', `${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(out), { recursive: true });
  const report = {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    mode: args.quick ? 'quick' : 'full',
    machine: { ...machine, loadAverageAtEnd: finishedLoad },
    threads,
    rows,
    extraction,
    head,
    memory,
    peakRssMiB: peakRssMiB(),
  };
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`Wrote ${out} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

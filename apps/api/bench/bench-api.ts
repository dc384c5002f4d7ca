/**
 * `pnpm bench:api`: load-tests the prediction API on loopback with autocannon — 64 clients for 30 s
 * posting 32×32 PNGs, with dynamic batching on and then off — against the offline extraction throughput
 * of the same backbone, and (`--bad-input`) checks every documented error status and the server's RSS.
 * Prints a table and writes bench/results/api-<timestamp>.json at the repository root.
 *
 * Flags: --duration <s> (30), --connections <n> (64), --bad-input (that run only), --all (both),
 * --rounds <n> (bad-input rounds, 10), --threads <n> (the server's ORT threads; default every core),
 * --offline-threads <n> (the offline reference's; default every core, as `headstart extract`).
 */
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { parseManifest } from '@headstart/core';
import { resolveBackbone } from '@headstart/core/node';
import { makeSyntheticBundle, syntheticPng } from '../test/synthetic-bundle.ts';
import { badInputRun, type BadInputResult } from './bad-input.ts';
import { loadRun, type LoadResult } from './load-run.ts';
import { offlineExtraction } from './offline-extraction.ts';
import { spawnServer } from './spawn-server.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INPUT_SIZE = 32;
const SEED = 42;
const MAX_BATCH = 32;

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '64' },
    'bad-input': { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '10' },
    threads: { type: 'string' },
    'offline-threads': { type: 'string' },
  },
});
const durationS = Number(flags.duration);
const connections = Number(flags.connections);
const runLoad = !flags['bad-input'] || flags.all;
const runBad = flags['bad-input'] || flags.all;
const threadArgs = flags.threads ? ['--threads', flags.threads] : [];
const serverThreads = Number(flags.threads ?? availableParallelism());
const offlineThreads = Number(flags['offline-threads'] ?? availableParallelism());

const say = (line: string) => process.stderr.write(`${line}\n`);
const currentLoad = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const work = await mkdtemp(join(tmpdir(), 'headstart-bench-api-'));
// A cache of its own: the random-weight VGG16 is rebuilt in about a second, and nothing is left behind.
const home = join(work, 'home');
try {
  say(
    `building a vgg16 (random weights, seed ${SEED}) bundle at ${INPUT_SIZE}×${INPUT_SIZE} in ${work} (backbones in ${home})`,
  );
  const bundleDir = join(work, 'bundle');
  await makeSyntheticBundle({
    dir: bundleDir,
    home,
    arch: 'vgg16',
    inputSize: INPUT_SIZE,
    pooling: 'flatten',
    seed: SEED,
  });
  const images = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      syntheticPng({ label: ['red', 'green', 'blue'][i % 3]!, index: 30 + i, size: INPUT_SIZE }),
    ),
  );
  const jpeg = await syntheticPng({ label: 'green', index: 3, size: INPUT_SIZE, format: 'jpeg' });
  const results: {
    offline?: { imagesPerSecond: number; runs: number[]; images: number; batchSize: number };
    batched?: LoadResult;
    unbatched?: LoadResult;
    badInput?: BadInputResult;
  } = {};

  if (runLoad) {
    const manifest = parseManifest(await readFile(join(bundleDir, 'manifest.json'), 'utf8'));
    const backbone = await resolveBackbone({ ref: 'vgg16', weights: 'random', seed: SEED, home });
    const offlineRun = async () => {
      const r = await offlineExtraction({
        model: backbone.bytes,
        spec: backbone.spec,
        preprocess: manifest.preprocess,
        images,
        count: 2048,
        batchSize: MAX_BATCH,
        ...(flags['offline-threads'] ? { threads: Number(flags['offline-threads']) } : {}),
      });
      say(`  offline extraction: ${r.imagesPerSecond.toFixed(1)} images/s (load average ${currentLoad()})`);
      return r.imagesPerSecond;
    };
    // Measured right before and after the batched run, so the reference sees the same machine load.
    say(`offline extraction: extractFeatures, batch ${MAX_BATCH}, ${INPUT_SIZE}×${INPUT_SIZE} PNGs…`);
    const before = await offlineRun();
    for (const [mode, maxBatch] of [
      ['batched', MAX_BATCH],
      ['unbatched', 1],
    ] as const) {
      const server = await spawnServer({
        model: bundleDir,
        home,
        args: ['--max-batch', String(maxBatch), ...threadArgs],
      });
      say(
        `${mode}: ${connections} connections for ${durationS} s against ${server.url} (--max-batch ${maxBatch}; load average ${currentLoad()})…`,
      );
      try {
        results[mode] = await loadRun({ url: server.url, images, connections, durationS });
        say(`  ${results[mode].imagesPerSecond} images/s, /healthz p99 ${results[mode].health.p99} ms`);
      } finally {
        const code = await server.stop();
        if (code !== 0) say(`  the server exited with ${code}:\n${server.log()}`);
      }
      if (mode === 'batched') {
        const after = await offlineRun();
        results.offline = {
          imagesPerSecond: Math.round(((before + after) / 2) * 10) / 10,
          runs: [Math.round(before * 10) / 10, Math.round(after * 10) / 10],
          images: 2048,
          batchSize: MAX_BATCH,
        };
      }
    }
  }

  if (runBad) {
    const server = await spawnServer({ model: bundleDir, home, args: threadArgs });
    say(`bad input: ${flags.rounds} rounds of every case against ${server.url}…`);
    try {
      results.badInput = await badInputRun({
        url: server.url,
        png: images[0]!,
        jpeg,
        rounds: Number(flags.rounds),
      });
    } finally {
      await server.stop();
    }
  }

  const machine = {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage: currentLoad(),
  };
  const out: string[] = [`\nmachine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`];
  if (results.offline && results.batched && results.unbatched) {
    const rows = (['batched', 'unbatched'] as const).map((mode) => {
      const r = results[mode]!;
      return [
        `${mode} (max batch ${mode === 'batched' ? MAX_BATCH : 1})`,
        r.requestsPerSecond,
        r.imagesPerSecond,
        `${Math.round((r.imagesPerSecond / results.offline!.imagesPerSecond) * 100)} %`,
        r.latencyMs.p50,
        r.latencyMs.p99,
        r.errors,
        r.meanBatchSize,
        r.health.p50,
        r.health.p99,
      ];
    });
    out.push(
      `load: ${connections} connections × ${durationS} s, POST /v1/predict, one ${INPUT_SIZE}×${INPUT_SIZE} PNG each; vgg16 (random weights); server ORT threads ${serverThreads}, offline ${offlineThreads}`,
      table(
        [
          'mode',
          'req/s',
          'images/s',
          'vs offline',
          'p50 ms',
          'p99 ms',
          'errors',
          'mean batch',
          'healthz p50',
          'healthz p99',
        ],
        rows,
      ),
      `offline extraction (extractFeatures, batch ${MAX_BATCH}): ${results.offline.imagesPerSecond} images/s (mean of ${results.offline.runs.join(' and ')}, before and after the batched run)`,
    );
  }
  if (results.badInput) {
    const b = results.badInput;
    out.push(
      `\nbad input: ${b.rounds} rounds, each case sent concurrently`,
      table(
        ['case', 'expected', 'got', 'pass'],
        b.cases.map((c) => [
          c.name,
          c.expected,
          Object.entries(c.seen)
            .map(([s, n]) => `${s}×${n}`)
            .join(' '),
          c.pass ? 'yes' : 'NO',
        ]),
      ),
      `RSS: ${b.rssStartMiB} MiB before, peak ${b.rssPeakMiB} MiB, ${b.rssEndMiB} MiB after (${b.rssChangePercent >= 0 ? '+' : ''}${b.rssChangePercent} %); still serving: ${b.stillServing ? 'yes' : 'NO'}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  const dir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(
    file,
    `${JSON.stringify({ kind: 'api', machine, connections, durationS, inputSize: INPUT_SIZE, serverThreads, offlineThreads, ...results }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${file}\n`);
  const failed =
    (results.badInput && (!results.badInput.stillServing || results.badInput.cases.some((c) => !c.pass))) ||
    (results.batched && results.batched.errors > 0);
  process.exitCode = failed ? 1 : 0;
} finally {
  await rm(work, { recursive: true, force: true });
}

/**
 * One streaming-memory measurement in its own process, so its peak RSS is its own: writes `rows`
 * clustered 25,088-dim features into a feature cache (pack files) in chunks, trains the tutorial head
 * from the cache for one epoch, and prints one JSON line.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHeadSpec } from '../packages/core/src/head/head-spec.ts';
import { trainHead } from '../packages/core/src/head/train-head.ts';
import { initTfjs } from '../packages/core/src/node/head/tfjs-backend.ts';
import { createCacheFeatureWriter, type CacheFeatureWriter } from './cache-feature-source.ts';
import { useKernelMode } from './kernel-modes.ts';

const [rowsText = '5000', dimText = '25088', threadsText = '2'] = process.argv.slice(2);
const rows = Number(rowsText);
const dim = Number(dimText);
const threads = Number(threadsText);
const NUM_CLASSES = 10;
const CHUNK_ROWS = 64;

/** Centre-plus-noise rows from a fast xorshift, written CHUNK_ROWS at a time. */
async function writeFeatures(writer: CacheFeatureWriter): Promise<Int32Array> {
  let state = 0x9e3779b9;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32 - 0.5;
  };
  const centres = Array.from({ length: NUM_CLASSES }, () =>
    Float32Array.from({ length: dim }, () => uniform() * 0.2),
  );
  const labels = new Int32Array(rows);
  const chunk = new Float32Array(CHUNK_ROWS * dim);
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    for (let r = 0; r < n; r++) {
      const label = (start + r) % NUM_CLASSES;
      labels[start + r] = label;
      const centre = centres[label] as Float32Array;
      for (let j = 0; j < dim; j++) chunk[r * dim + j] = (centre[j] as number) + uniform();
    }
    await writer.append(start, chunk.subarray(0, n * dim));
  }
  return labels;
}

const dir = await mkdtemp(join(tmpdir(), 'headstart-bench-stream-'));
try {
  const writer = createCacheFeatureWriter({ root: dir, dim });
  const labels = await writeFeatures(writer);
  let fileBytes = 0;
  for (const context of await readdir(dir))
    for (const pack of await readdir(join(dir, context)))
      fileBytes += (await stat(join(dir, context, pack))).size;
  const rssBeforeTraining = process.resourceUsage().maxRSS / 1024;
  await initTfjs({ backend: 'wasm' });
  useKernelMode('ours', threads);
  const source = writer.source(labels);
  const started = performance.now();
  const result = await trainHead({
    train: source,
    spec: parseHeadSpec({ value: 'tutorial' }),
    numClasses: NUM_CLASSES,
    epochs: 1,
    batchSize: 128,
  });
  const durationMs = performance.now() - started;
  result.model.dispose();
  process.stdout.write(
    `${JSON.stringify({
      rows,
      dim,
      fileBytes,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      rssBeforeTrainingMiB: rssBeforeTraining,
      samplesPerSecond: result.history[0]?.samplesPerSecond ?? 0,
      loss: result.history[0]?.loss,
      durationMs,
    })}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

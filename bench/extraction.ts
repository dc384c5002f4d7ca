import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preprocessFor } from '../packages/core/src/backbone/preprocess-spec.ts';
import { createFeatureCache } from '../packages/core/src/cache/feature-cache.ts';
import type { DatasetSample } from '../packages/core/src/data/dataset.ts';
import type { BackboneSession } from '../packages/core/src/features/backbone-session.ts';
import { extractFeatures } from '../packages/core/src/features/extract-features.ts';
import { preprocessImage } from '../packages/core/src/image/image-tensor.ts';
import { createFsBlobStore } from '../packages/core/src/node/cache/fs-blob-store.ts';
import { nodeSha256Hex } from '../packages/core/src/node/cache/node-sha256.ts';
import { createWorkerSession } from '../packages/core/src/node/features/worker-session.ts';
import { createImageDecoder } from '../packages/core/src/node/image/decode-image.ts';
import { mnistPngFolder } from './mnist-folder.ts';
import { openRawSession, type RawSession } from './ort-raw.ts';
import { vgg16 } from './vgg-model.ts';

export interface ExtractCase {
  size: number;
  batch: number;
  images: number;
  /**
   * Repetitions of (worker batches, one end-to-end pass, raw batches) after a first raw block, interleaved
   * so load drift hits all.
   */
  runs: number;
  /** Worker-only batches per repetition. */
  workerBatches: number;
}

export interface ExtractCaseResult {
  size: number;
  batch: number;
  images: number;
  /** images/s of every raw in-process batch. */
  raw: number[];
  /** extractFeatures end to end per repetition: read PNG, decode, resize, normalise, ORT in the worker, cache write. */
  endToEnd: number[];
  /** Per repetition: end-to-end images/s over the raw images/s of the blocks just before and after it. */
  ratios: number[];
  /** The worker session's run() alone on a prepared batch (transfer in and out included), per batch. */
  workerOnly: number[];
  /** Main-thread read + decode + preprocess of one batch, nothing else running, in ms. */
  prepareMsPerBatch: number;
}

/** Reads, decodes and preprocesses `samples` the way extractFeatures does, returning the batch tensor. */
async function prepareBatch(samples: readonly DatasetSample[], size: number): Promise<Float32Array> {
  const decode = createImageDecoder();
  const spec = preprocessFor('caffe', size);
  const tensors = await Promise.all(
    samples.map(async (sample) => {
      const content = await sample.read();
      const image = content.kind === 'pixels' ? content.image : await decode(content.bytes, sample.id);
      return preprocessImage({ image, spec });
    }),
  );
  const perImage = 3 * size * size;
  const out = new Float32Array(tensors.length * perImage);
  tensors.forEach((t, i) => out.set(t, i * perImage));
  return out;
}

/** One end-to-end pass into a fresh feature cache in a temp dir, so every image is extracted and written. */
async function endToEnd(options: {
  samples: DatasetSample[];
  session: BackboneSession;
  size: number;
  batch: number;
}): Promise<number> {
  const { spec } = vgg16();
  const preprocess = preprocessFor('caffe', options.size);
  const root = await mkdtemp(join(tmpdir(), 'headstart-bench-cache-'));
  try {
    const cache = createFeatureCache({
      store: createFsBlobStore({ root }),
      sha256Hex: nodeSha256Hex,
      context: { backboneSha256: spec.sha256, preprocess, pooling: 'flatten' },
    });
    const result = await extractFeatures({
      samples: options.samples,
      decode: createImageDecoder(),
      session: options.session,
      backbone: spec,
      preprocess,
      pooling: 'flatten',
      batchSize: options.batch,
      cache,
    });
    if (result.extracted !== options.samples.length) {
      throw new Error(`Extracted ${result.extracted} of ${options.samples.length} images.`);
    }
    return (result.extracted * 1000) / result.durationMs;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function benchCase(
  c: ExtractCase,
  raw: RawSession,
  session: BackboneSession,
): Promise<ExtractCaseResult> {
  const { size, batch, images, runs, workerBatches } = c;
  const folder = await mnistPngFolder(images);
  try {
    const prepStarted = performance.now();
    const prepared = await prepareBatch(folder.samples.slice(0, batch), size);
    const prepareMsPerBatch = performance.now() - prepStarted;
    const runWorker = async () => {
      const t0 = performance.now();
      await session.run(prepared.slice(), [batch, 3, size, size]);
      return (batch * 1000) / (performance.now() - t0);
    };
    // Warm-up, not recorded: the first pass also pays for compiling the decode and preprocessing code.
    await raw.runBatch(size, batch);
    await runWorker();
    await endToEnd({ samples: folder.samples, session, size, batch });
    const result: ExtractCaseResult = {
      size,
      batch,
      images,
      raw: [],
      endToEnd: [],
      ratios: [],
      workerOnly: [],
      prepareMsPerBatch,
    };
    const batches = Math.ceil(images / batch);
    /** One block of raw batches, as many as an end-to-end pass runs; returns its milliseconds. */
    const rawBlock = async (): Promise<number> => {
      let ms = 0;
      for (let b = 0; b < batches; b++) {
        const ips = await raw.runBatch(size, batch);
        result.raw.push(ips);
        ms += (batch * 1000) / ips;
      }
      return ms;
    };
    // Each pass is bracketed by raw blocks and compared with both: a shared machine's load drifts over
    // seconds, and a block on one side only would charge the drift to the pass.
    let before = await rawBlock();
    for (let r = 0; r < runs; r++) {
      for (let b = 0; b < workerBatches; b++) result.workerOnly.push(await runWorker());
      const e2e = await endToEnd({ samples: folder.samples, session, size, batch });
      const after = await rawBlock();
      result.endToEnd.push(e2e);
      result.ratios.push(e2e / ((2 * batches * batch * 1000) / (before + after)));
      before = after;
    }
    return result;
  } finally {
    await folder.dispose();
  }
}

/**
 * Raw in-process ORT throughput and end-to-end extraction (extractFeatures over the worker-thread ORT
 * session), measured in alternation on the same sizes and batch counts.
 */
export async function benchExtraction(options: {
  cases: ExtractCase[];
  threads: number;
}): Promise<ExtractCaseResult[]> {
  const raw = await openRawSession({ threads: options.threads });
  const session = await createWorkerSession({ model: vgg16().bytes, threads: options.threads });
  const results: ExtractCaseResult[] = [];
  try {
    for (const c of options.cases) results.push(await benchCase(c, raw, session));
  } finally {
    await session.dispose();
    await raw.release();
  }
  return results;
}

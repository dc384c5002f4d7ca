import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { backboneOutputShape } from '../backbone/backbone-spec.ts';
import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import type { FeatureCache } from '../cache/feature-cache.ts';
import type { DatasetSample } from '../data/dataset.ts';
import { sampleContentBytes } from '../data/sample-content.ts';
import { HeadstartError, isHeadstartError, type ErrorCode } from '../errors.ts';
import type { DecodeImage, RgbImage } from '../image/rgb-image.ts';
import { preprocessBatch, resizeForSpec } from '../image/image-tensor.ts';
import type { BackboneOutput, BackboneSession } from './backbone-session.ts';
import { featureDimension, poolFeatures, type Pooling } from './pooling.ts';

/** Progress of an extraction, reported after every batch. */
export interface ExtractProgress {
  done: number;
  total: number;
  cacheHits: number;
  skipped: number;
  /** Images per second over the images that went through the backbone. */
  imagesPerSecond: number;
  elapsedMs: number;
}

export interface ExtractFeaturesOptions {
  samples: readonly DatasetSample[];
  decode: DecodeImage;
  session: BackboneSession;
  backbone: BackboneSpec;
  preprocess: PreprocessSpec;
  pooling: Pooling;
  /** Images per backbone run. Default 32. */
  batchSize?: number;
  cache?: FeatureCache;
  /** Fail on the first unreadable image instead of skipping it. */
  strict?: boolean;
  /** Keep every vector in `features` (default). Off when a caller streams through onBatch instead. */
  collect?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ExtractProgress) => void;
  /** Each finished batch, in sample order: sample indices and their vectors (count × dim). */
  onBatch?: (indices: readonly number[], features: Float32Array) => void | Promise<void>;
}

/** An image that got no features, and why. */
export interface SkippedSample {
  id: string;
  /** Index into the samples given. */
  index: number;
  code: ErrorCode;
  reason: string;
}

export interface ExtractResult {
  /** kept.length × dim values, in sample order (empty when collect is off). */
  features: Float32Array;
  dim: number;
  /** Indices (into samples) of the images that have features. */
  kept: number[];
  skipped: SkippedSample[];
  cacheHits: number;
  /** Images that went through the backbone. */
  extracted: number;
  durationMs: number;
  /**
   * The vectors of rows of `kept` (row i is sample kept[i]), as one rows × dim array: from `features`
   * when collected, else read back from the cache — so callers can stream datasets that do not fit in memory.
   */
  readRows(rows: readonly number[]): Promise<Float32Array>;
}

/**
 * Backbone runs handed to the session at once. Two keep the next run waiting in the session while the
 * last one is pooled and cached; more would only hold more batch tensors in memory.
 */
const RUNS_QUEUED = 2;

interface PreparedBatch {
  indices: number[];
  /** Features already known (cache hits), by position in indices. */
  known: (Float32Array | undefined)[];
  keys: (string | undefined)[];
  /** Positions in indices that need the backbone, and their input tensor. */
  missing: number[];
  input: Float32Array;
}

/**
 * Turns images into pooled backbone features, through the cache when one is given. While the backbone
 * runs one batch (in a worker or on a GPU), the next is already waiting in the session and the one after
 * is read, decoded and preprocessed, so the session is never left waiting on the CPU-side work.
 */
export async function extractFeatures(options: ExtractFeaturesOptions): Promise<ExtractResult> {
  const { samples, session, backbone, preprocess, pooling, cache } = options;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new HeadstartError('INVALID_OPTION', `Invalid batch size ${batchSize}; use a whole number ≥ 1.`);
  }
  const shape = backboneOutputShape(backbone, preprocess.inputSize);
  const dim = featureDimension(pooling, shape);
  const collect = options.collect ?? true;
  const all = collect ? new Float32Array(samples.length * dim) : new Float32Array(0);
  const have = new Uint8Array(samples.length);
  const keyOf: (string | undefined)[] = new Array(samples.length);
  const skipped: ExtractResult['skipped'] = [];
  const start = Date.now();
  let cacheHits = 0;
  let extracted = 0;
  let done = 0;

  /** Cached vectors for `keys` (undefined where a key is missing or not cached), in one store call. */
  const lookup = async (keys: readonly (string | undefined)[]): Promise<(Float32Array | undefined)[]> => {
    const out: (Float32Array | undefined)[] = new Array(keys.length).fill(undefined);
    if (!cache) return out;
    const positions = keys.flatMap((key, position) => (key === undefined ? [] : [position]));
    const found = await cache.getMany(
      positions.map((position) => keys[position] as string),
      dim,
    );
    positions.forEach((position, i) => (out[position] = found[i]));
    return out;
  };

  const prepare = async (from: number): Promise<PreparedBatch> => {
    const indices: number[] = [];
    for (let i = from; i < Math.min(from + batchSize, samples.length); i++) indices.push(i);
    const skip = (position: number, error: unknown): void => {
      if (options.strict || !isHeadstartError(error)) throw error;
      const index = indices[position] as number;
      skipped.push({
        id: (samples[index] as DatasetSample).id,
        index,
        code: error.code,
        reason: error.message,
      });
    };
    const contents = await Promise.all(
      indices.map(async (index, position) => {
        try {
          return await (samples[index] as DatasetSample).read();
        } catch (error) {
          skip(position, error);
          return undefined;
        }
      }),
    );
    const keys: PreparedBatch['keys'] = contents.map((content) =>
      content && cache ? cache.keyFor(sampleContentBytes(content)) : undefined,
    );
    // One cache lookup per batch: a pack store answers it from its index, without a file per image.
    const known: PreparedBatch['known'] = await lookup(keys);
    const images: { position: number; image: RgbImage }[] = [];
    await Promise.all(
      contents.map(async (content, position) => {
        if (!content || known[position]) return;
        try {
          const image =
            content.kind === 'pixels'
              ? content.image
              : await options.decode(
                  content.bytes,
                  (samples[indices[position] as number] as DatasetSample).id,
                );
          // Resized at once: a batch of full-size photos would not fit in memory until the batch is built.
          images.push({ position, image: resizeForSpec(image, preprocess) });
        } catch (error) {
          skip(position, error);
        }
      }),
    );
    images.sort((a, b) => a.position - b.position);
    // Resized and normalised straight into the batch tensor: no per-image tensor to allocate and copy.
    const input = preprocessBatch({ images: images.map((entry) => entry.image), spec: preprocess });
    return { indices, known, keys, missing: images.map((image) => image.position), input };
  };

  /** Posts the batch's missing images to the backbone at once; resolves to its raw output. */
  const runBackbone = (batch: PreparedBatch): Promise<BackboneOutput | undefined> => {
    if (batch.missing.length === 0) return Promise.resolve(undefined);
    const side = preprocess.inputSize;
    const n = batch.missing.length;
    const dims = preprocess.layout === 'nchw' ? [n, 3, side, side] : [n, side, side, 3];
    return session.run(batch.input, dims);
  };

  /** Pools a finished batch, writes it to the cache and reports it; batches arrive here in order. */
  const store = async (batch: PreparedBatch, output: BackboneOutput | undefined): Promise<void> => {
    if (output) {
      const n = batch.missing.length;
      const pooled = poolFeatures({
        output: output.data,
        count: n,
        shape,
        layout: preprocess.layout,
        pooling,
      });
      const entries: { key: string; features: Float32Array }[] = [];
      batch.missing.forEach((position, i) => {
        const vector = pooled.slice(i * dim, (i + 1) * dim);
        batch.known[position] = vector;
        const key = batch.keys[position];
        if (key !== undefined) entries.push({ key, features: vector });
      });
      // The whole batch goes to the cache as one write (one pack file on disk).
      if (cache) await cache.putMany(entries);
      extracted += n;
    }
    const keptIndices: number[] = [];
    const keptVectors: Float32Array[] = [];
    batch.indices.forEach((index, position) => {
      const vector = batch.known[position];
      if (!vector) return;
      if (collect) all.set(vector, index * dim);
      have[index] = 1;
      keyOf[index] = batch.keys[position];
      keptIndices.push(index);
      keptVectors.push(vector);
    });
    cacheHits += keptIndices.length - batch.missing.length;
    done += batch.indices.length;
    if (options.onBatch) {
      const joined = new Float32Array(keptVectors.length * dim);
      keptVectors.forEach((v, i) => joined.set(v, i * dim));
      await options.onBatch(keptIndices, joined);
    }
    const elapsedMs = Date.now() - start;
    options.onProgress?.({
      done,
      total: samples.length,
      cacheHits,
      skipped: skipped.length,
      imagesPerSecond: extracted > 0 ? (extracted * 1000) / elapsedMs : 0,
      elapsedMs,
    });
  };

  // Each batch is posted to the session as soon as it is prepared and a slot is free, so when one run
  // ends the next is already queued there: the backbone never waits for the main thread to pool, write
  // the cache and post again. Each batch's stored promise also waits for the one before it, so pooling,
  // cache writes and callbacks keep sample order.
  const finishing: Promise<void>[] = [];
  let stored: Promise<void> = Promise.resolve();
  for (let from = 0; from < samples.length; from += batchSize) {
    if (options.signal?.aborted) break;
    const batch = await prepare(from);
    while (finishing.length >= RUNS_QUEUED) await finishing.shift();
    const output = runBackbone(batch);
    const previous = stored;
    stored = output.then(async (out) => {
      await previous;
      await store(batch, out);
    });
    // Surfaced by the loop's await (or the final one); a rejection must not go unhandled meanwhile.
    stored.catch(() => undefined);
    finishing.push(stored);
  }
  await stored;
  if (options.signal?.aborted) {
    throw new HeadstartError('ABORTED', `Extraction stopped after ${done} of ${samples.length} images.`);
  }

  const kept: number[] = [];
  for (let i = 0; i < samples.length; i++) if (have[i]) kept.push(i);
  let features = all;
  if (collect && kept.length !== samples.length) {
    features = new Float32Array(kept.length * dim);
    kept.forEach((index, i) => features.set(all.subarray(index * dim, (index + 1) * dim), i * dim));
  }
  const readRows = async (rows: readonly number[]): Promise<Float32Array> => {
    const out = new Float32Array(rows.length * dim);
    if (collect) {
      rows.forEach((row, i) => out.set(features.subarray(row * dim, (row + 1) * dim), i * dim));
      return out;
    }
    if (!cache)
      throw new HeadstartError(
        'INVALID_OPTION',
        'Features were neither collected nor cached; nothing to read back.',
      );
    const vectors = await lookup(rows.map((row) => keyOf[kept[row] as number]));
    vectors.forEach((vector, i) => {
      if (!vector)
        throw new HeadstartError(
          'CACHE_CORRUPT',
          `The cached features of ${samples[kept[rows[i] as number] as number]?.id} disappeared during the run.`,
        );
      out.set(vector, i * dim);
    });
    return out;
  };
  return { features, dim, kept, skipped, cacheHits, extracted, durationMs: Date.now() - start, readRows };
}

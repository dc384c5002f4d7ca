import { resolve } from 'node:path';
import type { BackboneSession, BackboneSpec, BundleMetrics, Device, LoadedModel } from '@headstart/core';
import { createImageDecoder, createWorkerSession, readModelDir, type ModelDir } from '@headstart/core/node';
import {
  blankImageTensors,
  createDynamicBatcher,
  runModelBatch,
  type BatchRunInfo,
  type DynamicBatcher,
  type ImageOutput,
} from '@headstart/core';

/** A backbone session and how many served models use it (a reload with the same sha256 shares it). */
export interface SharedBackbone {
  session: BackboneSession;
  spec: BackboneSpec;
  sha256: string;
  /** Where the graph came from, as readModelDir's locateGraph says. */
  source: string;
  users: number;
}

/** One loaded bundle (or merged graph) as the server serves it: the model, its batcher, and how to free it. */
export interface ServingModel {
  id: string;
  dir: string;
  model: LoadedModel;
  /** The bundle's metrics file, when it has one (a merged graph has none). */
  metrics?: BundleMetrics;
  backbone: SharedBackbone;
  /** True when the backbone session was taken over from the model this one replaced. */
  reusedBackbone: boolean;
  batcher: DynamicBatcher<Float32Array, ImageOutput>;
  /** Frees the head, and the backbone session once no model uses it. Call after the batcher drains. */
  dispose(): Promise<void>;
}

export interface BatchingOptions {
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
  timeoutMs: number;
}

export interface LoadServingModelOptions {
  dir: string;
  device: Device;
  threads?: number;
  maxPixels: number;
  home?: string;
  batching: BatchingOptions;
  /** The model being replaced: its backbone session is reused when the sha256 is the same. */
  previous?: ServingModel;
  onBatch?: (info: BatchRunInfo) => void;
  /** Wraps a newly opened session (tests use it to slow a backbone down). */
  wrapSession?: (session: BackboneSession) => BackboneSession;
}

/** Largest dummy batch used to warm a backbone up. */
const MAX_WARMUP_BATCH = 64;

/**
 * Backbone runs posted to the worker at once. The second is posted only when full (see the batcher), so
 * the worker starts it the moment the first ends while the main thread finishes the first's requests.
 */
const BATCHES_IN_FLIGHT = 2;

async function openBackbone(options: LoadServingModelOptions, files: ModelDir): Promise<SharedBackbone> {
  const located = await files.locateGraph();
  const opened = await createWorkerSession({
    model: located.bytes,
    device: options.device,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  const session = options.wrapSession ? options.wrapSession(opened) : opened;
  return { session, spec: located.spec, sha256: files.graphSha256, source: located.source, users: 0 };
}

/**
 * Loads the bundle (or merged graph) in `dir` for serving, with the same core pieces as `openBundleModel`
 * (manifest and head validation, graph located and verified by sha256, onnxruntime-node in a worker
 * thread, image decoding with a pixel limit), and warms the graph with one dummy batch before returning.
 */
export async function loadServingModel(options: LoadServingModelOptions): Promise<ServingModel> {
  const dir = resolve(options.dir);
  const files = await readModelDir({ dir, ...(options.home ? { home: options.home } : {}) });
  const previous = options.previous?.backbone;
  const reusedBackbone = previous !== undefined && previous.sha256 === files.graphSha256;
  let backbone: SharedBackbone;
  try {
    backbone = reusedBackbone ? previous : await openBackbone(options, files);
  } catch (error) {
    files.disposeHead();
    throw error;
  }
  backbone.users++;
  const model: LoadedModel = {
    manifest: files.manifest,
    backbone: backbone.spec,
    ...(files.head ? { head: files.head } : {}),
    session: backbone.session,
    decode: createImageDecoder({ maxPixels: options.maxPixels }),
  };
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    files.disposeHead();
    if (--backbone.users === 0) await backbone.session.dispose();
  };
  try {
    const warmup = blankImageTensors({ model, count: Math.min(options.batching.maxBatch, MAX_WARMUP_BATCH) });
    await runModelBatch({ model, tensors: warmup });
  } catch (error) {
    await dispose();
    throw error;
  }
  const batcher = createDynamicBatcher<Float32Array, ImageOutput>({
    run: (tensors) => runModelBatch({ model, tensors }),
    maxBatch: options.batching.maxBatch,
    maxDelayMs: options.batching.maxDelayMs,
    maxQueue: options.batching.maxQueue,
    timeoutMs: options.batching.timeoutMs,
    concurrency: BATCHES_IN_FLIGHT,
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
  });
  return {
    id: files.manifest.id,
    dir,
    model,
    ...(files.metrics ? { metrics: files.metrics } : {}),
    backbone,
    reusedBackbone,
    batcher,
    dispose,
  };
}

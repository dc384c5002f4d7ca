import { resolve } from 'node:path';
import type { BackboneSession, BackboneSpec, BundleContents, Device, LoadedModel } from '@headstart/core';
import {
  createImageDecoder,
  createWorkerSession,
  locateBundleBackbone,
  readBundleDir,
} from '@headstart/core/node';
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
  /** Where the graph came from, as locateBundleBackbone says. */
  source: string;
  users: number;
}

/** One loaded bundle as the server serves it: the model, its batcher, and how to free it. */
export interface ServingModel {
  id: string;
  dir: string;
  model: LoadedModel;
  bundle: BundleContents;
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

async function openBackbone(
  options: LoadServingModelOptions,
  bundle: BundleContents,
  dir: string,
): Promise<SharedBackbone> {
  const located = await locateBundleBackbone({
    manifest: bundle.manifest,
    bundleDir: dir,
    ...(options.home ? { home: options.home } : {}),
  });
  const opened = await createWorkerSession({
    model: located.bytes,
    device: options.device,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  const session = options.wrapSession ? options.wrapSession(opened) : opened;
  return {
    session,
    spec: located.spec,
    sha256: bundle.manifest.backbone.sha256,
    source: located.source,
    users: 0,
  };
}

/**
 * Loads the bundle in `dir` for serving, with the same core pieces as `openBundleModel` (manifest and
 * head validation, backbone located and verified by sha256, onnxruntime-node in a worker thread, image
 * decoding with a pixel limit), and warms the backbone with one dummy batch before returning.
 */
export async function loadServingModel(options: LoadServingModelOptions): Promise<ServingModel> {
  const dir = resolve(options.dir);
  const bundle = await readBundleDir({ dir });
  const previous = options.previous?.backbone;
  const reusedBackbone = previous !== undefined && previous.sha256 === bundle.manifest.backbone.sha256;
  let backbone: SharedBackbone;
  try {
    backbone = reusedBackbone ? previous : await openBackbone(options, bundle, dir);
  } catch (error) {
    bundle.head.model.dispose();
    throw error;
  }
  backbone.users++;
  const model: LoadedModel = {
    manifest: bundle.manifest,
    backbone: backbone.spec,
    head: bundle.head,
    session: backbone.session,
    decode: createImageDecoder({ maxPixels: options.maxPixels }),
  };
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    bundle.head.model.dispose();
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
  return { id: bundle.manifest.id, dir, model, bundle, backbone, reusedBackbone, batcher, dispose };
}

import { resolve } from 'node:path';
import type { Device } from '../../features/backbone-session.ts';
import type { LoadedModel } from '../../pipeline/predict-images.ts';
import type { BundleContents } from '../../bundle/bundle-files.ts';
import { isMergedModel, loadMergedModel, mergedBackboneSpec } from '../../bundle/merged-model.ts';
import { createDirBundleReader, readBundleDir } from '../head/bundle-dir.ts';
import { ensureTfjs } from '../head/tfjs-backend.ts';
import { createImageDecoder } from '../image/decode-image.ts';
import { createWorkerSession } from '../features/worker-session.ts';
import { locateBundleBackbone } from './locate-bundle-backbone.ts';

export interface OpenBundleModelOptions {
  /** The bundle directory written by `headstart train` (or `export`), or a merged `export --format onnx`. */
  dir: string;
  device?: Device;
  threads?: number;
  /** Largest decoded image accepted, in pixels (default 40 megapixels). */
  maxPixels?: number;
  home?: string;
}

/** A bundle ready to predict: LoadedModel plus what it was loaded from and how to free it. */
export interface OpenedBundleModel extends LoadedModel {
  dir: string;
  /** Where the backbone graph came from (bundle copy, cache, rebuilt random weights, file). */
  backboneSource: string;
  /** The bundle's files; absent for a merged graph, which carries its manifest only. */
  bundle?: BundleContents;
  dispose(): Promise<void>;
}

async function openMergedModel(options: OpenBundleModelOptions, dir: string): Promise<OpenedBundleModel> {
  const merged = await loadMergedModel({ reader: createDirBundleReader({ dir }) });
  const session = await createWorkerSession({
    model: merged.graph,
    device: options.device ?? 'cpu',
    ...(options.threads ? { threads: options.threads } : {}),
  });
  return {
    dir,
    manifest: merged.description.bundle,
    backbone: mergedBackboneSpec(merged),
    backboneSource: 'model.onnx (merged graph: backbone and head)',
    session,
    decode: createImageDecoder(options.maxPixels ? { maxPixels: options.maxPixels } : {}),
    dispose: () => session.dispose(),
  };
}

/**
 * Opens a bundle for inference in Node: validates the manifest, finds and verifies its backbone by
 * sha256, and starts the backbone in an onnxruntime-node worker on `device`. A merged graph (model.json
 * beside model.onnx) is verified by its sha256 and runs alone, without tf.js.
 */
export async function openBundleModel(options: OpenBundleModelOptions): Promise<OpenedBundleModel> {
  const dir = resolve(options.dir);
  if (await isMergedModel(createDirBundleReader({ dir }))) return openMergedModel(options, dir);
  await ensureTfjs();
  const bundle = await readBundleDir({ dir });
  try {
    const backbone = await locateBundleBackbone({
      manifest: bundle.manifest,
      bundleDir: dir,
      ...(options.home ? { home: options.home } : {}),
    });
    const session = await createWorkerSession({
      model: backbone.bytes,
      device: options.device ?? 'cpu',
      ...(options.threads ? { threads: options.threads } : {}),
    });
    return {
      dir,
      bundle,
      manifest: bundle.manifest,
      backbone: backbone.spec,
      backboneSource: backbone.source,
      head: bundle.head,
      session,
      decode: createImageDecoder(options.maxPixels ? { maxPixels: options.maxPixels } : {}),
      async dispose() {
        await session.dispose();
        bundle.head.model.dispose();
      },
    };
  } catch (error) {
    bundle.head.model.dispose();
    throw error;
  }
}

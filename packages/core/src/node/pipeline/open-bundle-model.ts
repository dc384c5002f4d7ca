import type { Device } from '../../features/backbone-session.ts';
import type { LoadedModel } from '../../pipeline/predict-images.ts';
import type { BundleContents } from '../../bundle/bundle-files.ts';
import { createImageDecoder } from '../image/decode-image.ts';
import { createWorkerSession } from '../features/worker-session.ts';
import { readModelDir } from './read-model-dir.ts';

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

/**
 * Opens a bundle for inference in Node: validates the manifest, finds and verifies its backbone by
 * sha256, and starts the backbone in an onnxruntime-node worker on `device`. A merged graph (model.json
 * beside model.onnx) is verified by its sha256 and runs alone, without tf.js.
 */
export async function openBundleModel(options: OpenBundleModelOptions): Promise<OpenedBundleModel> {
  const model = await readModelDir({ dir: options.dir, ...(options.home ? { home: options.home } : {}) });
  try {
    const graph = await model.locateGraph();
    const session = await createWorkerSession({
      model: graph.bytes,
      device: options.device ?? 'cpu',
      ...(options.threads ? { threads: options.threads } : {}),
    });
    return {
      dir: model.dir,
      ...(model.bundle ? { bundle: model.bundle } : {}),
      manifest: model.manifest,
      backbone: graph.spec,
      backboneSource: graph.source,
      ...(model.head ? { head: model.head } : {}),
      session,
      decode: createImageDecoder(options.maxPixels ? { maxPixels: options.maxPixels } : {}),
      async dispose() {
        await session.dispose();
        model.disposeHead();
      },
    };
  } catch (error) {
    model.disposeHead();
    throw error;
  }
}

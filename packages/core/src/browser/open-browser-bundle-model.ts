import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { loadBundle, type BundleContents, type BundleReader } from '../bundle/bundle-files.ts';
import { isMergedModel, type MergedModelDescription } from '../bundle/merged-model.ts';
import type { BlobStore } from '../cache/blob-store.ts';
import { createFeatureCache } from '../cache/feature-cache.ts';
import { HeadstartError } from '../errors.ts';
import type { DecodeImage } from '../image/rgb-image.ts';
import type { LoadedModel } from '../pipeline/predict-images.ts';
import { createBrowserDecoder } from './decode-image-browser.ts';
import { locateBrowserBackbone, type BackboneLoadPhase } from './locate-browser-backbone.ts';
import { openBrowserMergedModel } from './open-browser-merged-model.ts';
import {
  createOrtWebSession,
  type BrowserDevice,
  type OrtWasmPaths,
  type OrtWebSession,
} from './ort-web-session.ts';

export interface OpenBrowserBundleModelOptions {
  reader: BundleReader;
  device?: BrowserDevice;
  wasmPaths?: OrtWasmPaths;
  /** Backbones (and merged graphs) by sha256 (see createIndexedDbBlobStore with store `backbones`). */
  backboneStore?: BlobStore;
  /** When given, predictions read and fill the content-addressed feature cache. */
  featureStore?: BlobStore;
  decode?: DecodeImage;
  onPhase?: (phase: BackboneLoadPhase) => void;
}

/**
 * A bundle (or a merged export) opened in the browser: LoadedModel plus what the page shows about it,
 * and how to free it. A merged graph has `merged` and no `head`, `bundle` or `backboneBytes`.
 */
export interface OpenedBrowserModel extends LoadedModel {
  session: OrtWebSession;
  /** The bundle's files; absent for a merged graph, which carries its manifest only. */
  bundle?: BundleContents;
  /** A merged export's model.json; absent for a bundle. */
  merged?: MergedModelDescription;
  /**
   * The backbone graph's bytes, kept so a bundle trained on it can carry it; absent for a merged graph,
   * whose output is class probabilities, not features a head could be trained on.
   */
  backboneBytes?: Uint8Array;
  /** Where the graph came from, for the page: the bundle's copy, the browser cache, rebuilt from its seed. */
  backboneSource: string;
  warnings: string[];
  dispose(): Promise<void>;
}

function checkInputSize(spec: BackboneSpec, inputSize: number): void {
  if (inputSize < spec.minInputSize) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `The bundle's input size ${inputSize} is below ${spec.id}'s minimum of ${spec.minInputSize}.`,
    );
  }
}

/**
 * Opens a bundle for inference in a browser or worker: validates the manifest (a newer schema gives
 * BUNDLE_SCHEMA_TOO_NEW), loads the head into tf.js (started by the caller, see initBrowserTfjs), finds
 * and verifies the backbone by sha256 and opens it in onnxruntime-web on `device`. A merged export
 * (model.json beside model.onnx) is verified by its sha256 and runs alone, without tf.js.
 */
export async function openBrowserBundleModel(
  options: OpenBrowserBundleModelOptions,
): Promise<OpenedBrowserModel> {
  if (await isMergedModel(options.reader)) return openBrowserMergedModel(options);
  const bundle = await loadBundle({ reader: options.reader });
  try {
    const backbone = await locateBrowserBackbone({
      manifest: bundle.manifest,
      reader: options.reader,
      ...(options.backboneStore ? { store: options.backboneStore } : {}),
      ...(options.onPhase ? { onPhase: options.onPhase } : {}),
    });
    checkInputSize(backbone.spec, bundle.manifest.preprocess.inputSize);
    options.onPhase?.('session');
    const session = await createOrtWebSession({
      model: backbone.bytes,
      device: options.device ?? 'auto',
      outputName: backbone.spec.outputName,
      ...(options.wasmPaths !== undefined ? { wasmPaths: options.wasmPaths } : {}),
    });
    const cache = options.featureStore
      ? createFeatureCache({
          store: options.featureStore,
          context: {
            backboneSha256: backbone.spec.sha256,
            preprocess: bundle.manifest.preprocess,
            pooling: bundle.manifest.pooling,
          },
        })
      : undefined;
    return {
      manifest: bundle.manifest,
      backbone: backbone.spec,
      head: bundle.head,
      session,
      decode: options.decode ?? createBrowserDecoder(),
      ...(cache ? { cache } : {}),
      bundle,
      backboneBytes: backbone.bytes,
      backboneSource: backbone.source,
      warnings: backbone.warning ? [backbone.warning] : [],
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

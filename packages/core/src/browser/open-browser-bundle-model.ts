import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { loadBundle, type BundleContents, type BundleReader } from '../bundle/bundle-files.ts';
import type { BlobStore } from '../cache/blob-store.ts';
import { createFeatureCache } from '../cache/feature-cache.ts';
import { HeadstartError } from '../errors.ts';
import type { DecodeImage } from '../image/rgb-image.ts';
import type { LoadedModel } from '../pipeline/predict-images.ts';
import { createBrowserDecoder } from './decode-image-browser.ts';
import { locateBrowserBackbone, type BackboneLoadPhase } from './locate-browser-backbone.ts';
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
  /** Backbones by sha256 (see createIndexedDbBlobStore with store `backbones`). */
  backboneStore?: BlobStore;
  /** When given, predictions read and fill the content-addressed feature cache. */
  featureStore?: BlobStore;
  decode?: DecodeImage;
  onPhase?: (phase: BackboneLoadPhase) => void;
}

/** A bundle opened in the browser: LoadedModel plus what the page shows about it, and how to free it. */
export interface OpenedBrowserModel extends LoadedModel {
  session: OrtWebSession;
  bundle: BundleContents;
  /** The backbone graph's bytes, kept so a bundle trained on it can carry it. */
  backboneBytes: Uint8Array;
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
 * and verifies the backbone by sha256 and opens it in onnxruntime-web on `device`.
 */
export async function openBrowserBundleModel(
  options: OpenBrowserBundleModelOptions,
): Promise<OpenedBrowserModel> {
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

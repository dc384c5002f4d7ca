import { mergedBackboneSpec } from '../bundle/merged-model.ts';
import { createFeatureCache } from '../cache/feature-cache.ts';
import { modelPooling } from '../pipeline/predict-images.ts';
import { createBrowserDecoder } from './decode-image-browser.ts';
import type { OpenBrowserBundleModelOptions, OpenedBrowserModel } from './open-browser-bundle-model.ts';
import { createOrtWebSession } from './ort-web-session.ts';
import { readBrowserMergedModel } from './read-browser-merged-model.ts';

/**
 * Opens a merged export (model.json beside model.onnx) for inference in a browser or worker: the graph
 * is verified by sha256 and runs alone in onnxruntime-web on `device`, its output already the class
 * probabilities, so the model has no head and needs no tf.js. `openBrowserBundleModel` calls this when
 * the reader holds a merged export.
 */
export async function openBrowserMergedModel(
  options: OpenBrowserBundleModelOptions,
): Promise<OpenedBrowserModel> {
  const read = await readBrowserMergedModel({
    reader: options.reader,
    ...(options.backboneStore ? { store: options.backboneStore } : {}),
    ...(options.onPhase ? { onPhase: options.onPhase } : {}),
  });
  const spec = mergedBackboneSpec(read);
  const manifest = read.description.bundle;
  options.onPhase?.('session');
  const session = await createOrtWebSession({
    model: read.graph,
    device: options.device ?? 'auto',
    inputName: spec.inputName,
    outputName: spec.outputName,
    ...(options.wasmPaths !== undefined ? { wasmPaths: options.wasmPaths } : {}),
  });
  const model: OpenedBrowserModel = {
    manifest,
    backbone: spec,
    session,
    decode: options.decode ?? createBrowserDecoder(),
    merged: read.description,
    backboneSource: read.source,
    warnings: read.warning ? [read.warning] : [],
    dispose: () => session.dispose(),
  };
  if (!options.featureStore) return model;
  // Keyed by the merged graph's sha256, so cached "features" (the probabilities) never meet a bundle's.
  const cache = createFeatureCache({
    store: options.featureStore,
    context: { backboneSha256: spec.sha256, preprocess: manifest.preprocess, pooling: modelPooling(model) },
  });
  return { ...model, cache };
}

import { resolve } from 'node:path';
import type { BackboneSpec } from '../../backbone/backbone-spec.ts';
import type { BundleContents, BundleMetrics } from '../../bundle/bundle-files.ts';
import type { BundleManifest } from '../../bundle/manifest.ts';
import { isMergedModel, loadMergedModel, mergedBackboneSpec } from '../../bundle/merged-model.ts';
import type { HeadModel } from '../../head/predict-head.ts';
import { createDirBundleReader, readBundleDir } from '../head/bundle-dir.ts';
import { ensureTfjs } from '../head/tfjs-backend.ts';
import { locateBundleBackbone } from './locate-bundle-backbone.ts';

/** The graph a served model runs, found and verified by sha256. */
export interface LocatedGraph {
  bytes: Uint8Array;
  spec: BackboneSpec;
  /** Where it came from, for messages (bundle copy, cache, rebuilt random weights, merged model.onnx). */
  source: string;
}

/** What a model directory holds: a bundle (backbone found by sha256, tf.js head) or a merged graph. */
export interface ModelDir {
  dir: string;
  manifest: BundleManifest;
  /** The bundle's files; absent for a merged graph, which carries its manifest only. */
  bundle?: BundleContents;
  /** Absent for a merged graph, whose graph outputs the class probabilities. */
  head?: HeadModel;
  metrics?: BundleMetrics;
  /** sha256 of the graph the session runs: the backbone's, or the merged graph's. */
  graphSha256: string;
  locateGraph(): Promise<LocatedGraph>;
  /** Frees the tf.js head, if any. */
  disposeHead(): void;
}

/**
 * Reads a model directory for inference: a bundle written by `train` or `export` (manifest and head
 * validated; the backbone is located on demand), or a merged `export --format onnx` (graph verified by
 * its sha256 and run alone, without tf.js). The one reader behind predict, evaluate and the API.
 */
export async function readModelDir(options: { dir: string; home?: string }): Promise<ModelDir> {
  const dir = resolve(options.dir);
  const reader = createDirBundleReader({ dir });
  if (await isMergedModel(reader)) {
    const merged = await loadMergedModel({ reader });
    return {
      dir,
      manifest: merged.description.bundle,
      graphSha256: merged.description.sha256,
      locateGraph: async () => ({
        bytes: merged.graph,
        spec: mergedBackboneSpec(merged),
        source: 'model.onnx (merged graph: backbone and head)',
      }),
      disposeHead: () => {},
    };
  }
  await ensureTfjs();
  const bundle = await readBundleDir({ dir });
  return {
    dir,
    manifest: bundle.manifest,
    bundle,
    head: bundle.head,
    ...(bundle.metrics ? { metrics: bundle.metrics } : {}),
    graphSha256: bundle.manifest.backbone.sha256,
    locateGraph: () =>
      locateBundleBackbone({
        manifest: bundle.manifest,
        bundleDir: dir,
        ...(options.home ? { home: options.home } : {}),
      }),
    disposeHead: () => bundle.head.model.dispose(),
  };
}

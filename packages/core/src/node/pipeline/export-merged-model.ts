import { join, resolve } from 'node:path';
import {
  describeMergedModel,
  MERGED_MODEL_FILES,
  type MergedModelDescription,
} from '../../bundle/merged-model.ts';
import { exportOnnx } from '../../export/export-onnx.ts';
import { readBundleDir } from '../head/bundle-dir.ts';
import { ensureTfjs } from '../head/tfjs-backend.ts';
import { writeFileAtomic } from '../write-file-atomic.ts';
import { locateBundleBackbone } from './locate-bundle-backbone.ts';

/**
 * Writes a bundle as one ONNX graph from preprocessed images to probabilities (frozen and retrained
 * blocks, standardiser, head) to `out/model.onnx`, with `out/model.json` describing it for any ONNX
 * runtime and carrying the bundle's manifest, so Headstart serves the folder as it serves the bundle.
 * Each file is written to a temp name and renamed.
 */
export async function exportMergedModel(options: {
  dir: string;
  out: string;
  home?: string;
}): Promise<{ out: string; bytes: number; description: MergedModelDescription }> {
  await ensureTfjs();
  const dir = resolve(options.dir);
  const bundle = await readBundleDir({ dir });
  try {
    const backbone = await locateBundleBackbone({
      manifest: bundle.manifest,
      bundleDir: dir,
      ...(options.home ? { home: options.home } : {}),
    });
    const exported = exportOnnx({ backbone, pooling: bundle.manifest.pooling, head: bundle.head });
    const description = describeMergedModel({
      manifest: bundle.manifest,
      inputName: exported.inputName,
      outputName: exported.outputName,
      numClasses: exported.numClasses,
      sha256: exported.sha256,
    });
    const out = resolve(options.out);
    await writeFileAtomic(join(out, MERGED_MODEL_FILES.graph), exported.bytes);
    await writeFileAtomic(
      join(out, MERGED_MODEL_FILES.description),
      `${JSON.stringify(description, null, 2)}\n`,
    );
    return { out, bytes: exported.bytes.byteLength, description };
  } finally {
    bundle.head.model.dispose();
  }
}

import { join, resolve } from 'node:path';
import {
  describeMergedModel,
  MERGED_MODEL_FILES,
  type MergedModelDescription,
} from '../../bundle/merged-model.ts';
import { exportOnnx } from '../../export/export-onnx.ts';
import { HeadstartError } from '../../errors.ts';
import { writeFileAtomic } from '../write-file-atomic.ts';
import { readModelDir } from './read-model-dir.ts';

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
  const model = await readModelDir({ dir: options.dir, ...(options.home ? { home: options.home } : {}) });
  try {
    if (!model.bundle) {
      throw new HeadstartError(
        'INVALID_OPTION',
        `${model.dir} is already a merged ONNX graph; export from the bundle it came from.`,
      );
    }
    const bundle = model.bundle;
    const backbone = await model.locateGraph();
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
    model.disposeHead();
  }
}

import { sha256Hex } from '../backbone/sha256.ts';
import type { BundleManifest } from './manifest.ts';
import { exampleManifest } from './example-manifest.ts';
import { createMemoryBundle, type MemoryBundle } from './memory-bundle.ts';
import { describeMergedModel, MERGED_MODEL_FILES } from './merged-model.ts';

/**
 * A merged-graph export of exampleManifest() in memory (for tests): `graph` stands in for model.onnx and
 * is what model.json's sha256 describes; `written` (default `graph`) is what the folder actually holds,
 * and `edit` may change the description before it is written.
 */
export function exampleMergedModel(options: {
  graph: Uint8Array;
  written?: Uint8Array;
  edit?: (description: Record<string, unknown>) => void;
}): MemoryBundle & { manifest: BundleManifest; description: Record<string, unknown> } {
  const manifest = exampleManifest();
  const description = describeMergedModel({
    manifest,
    inputName: 'input',
    outputName: 'probabilities',
    numClasses: manifest.labels.length,
    sha256: sha256Hex(options.graph),
  }) as unknown as Record<string, unknown>;
  options.edit?.(description);
  const bundle = createMemoryBundle();
  bundle.writer.write(MERGED_MODEL_FILES.graph, options.written ?? options.graph);
  bundle.writer.write(MERGED_MODEL_FILES.description, JSON.stringify(description));
  return { ...bundle, manifest, description };
}

import { BUNDLE_BACKBONE_FILES, createZipBundleWriter, writeBundle } from '@headstart/core/browser';
import type { TrainedModel } from './trainer.ts';

/**
 * The zip the page downloads: one folder named after the bundle, holding what `headstart train` writes.
 * With the backbone included (as `headstart export` does) the manifest points at the copy; without it, at
 * `cache:<id>`, which the CLI and the API rebuild for seeded random weights or find in their model cache.
 */
export async function exportTrainedBundle(options: {
  trained: TrainedModel;
  includeBackbone: boolean;
}): Promise<{ fileName: string; bytes: Uint8Array }> {
  const { trained, includeBackbone } = options;
  const zip = createZipBundleWriter({ folder: trained.manifest.id });
  const manifest = includeBackbone
    ? { ...trained.manifest, backbone: { ...trained.manifest.backbone, file: BUNDLE_BACKBONE_FILES.graph } }
    : trained.manifest;
  if (includeBackbone) {
    await zip.writer.write(BUNDLE_BACKBONE_FILES.graph, trained.backbone.bytes);
    await zip.writer.write(BUNDLE_BACKBONE_FILES.spec, `${JSON.stringify(trained.backbone.spec, null, 2)}\n`);
  }
  await writeBundle({
    writer: zip.writer,
    manifest,
    head: trained.head,
    metrics: trained.metrics,
    history: trained.history,
  });
  return { fileName: `${trained.manifest.id}.zip`, bytes: zip.finish() };
}

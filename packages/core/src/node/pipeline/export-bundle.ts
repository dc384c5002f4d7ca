import { resolve } from 'node:path';
import type { BackboneSpec } from '../../backbone/backbone-spec.ts';
import { writeBundle, type BundleContents } from '../../bundle/bundle-files.ts';
import { HeadstartError } from '../../errors.ts';
import { readBundleDir, writeBundleDir } from '../head/bundle-dir.ts';
import { ensureTfjs } from '../head/tfjs-backend.ts';
import { BUNDLED_BACKBONE_FILES, locateBundleBackbone } from './locate-bundle-backbone.ts';

/**
 * Writes a bundle that carries its backbone graph (`backbone.onnx` + `backbone.json`), with the manifest
 * pointing at it, atomically. Fine-tuned bundles are always written so: their backbone exists nowhere else.
 */
export async function saveSelfContainedBundle(options: {
  dir: string;
  contents: BundleContents;
  backbone: { bytes: Uint8Array; spec: BackboneSpec };
}): Promise<void> {
  const { contents, backbone } = options;
  const manifest = {
    ...contents.manifest,
    backbone: { ...contents.manifest.backbone, file: BUNDLED_BACKBONE_FILES.graph },
  };
  await writeBundleDir({
    dir: options.dir,
    write: async (writer) => {
      await writer.write(BUNDLED_BACKBONE_FILES.graph, backbone.bytes);
      await writer.write(BUNDLED_BACKBONE_FILES.spec, `${JSON.stringify(backbone.spec, null, 2)}\n`);
      await writeBundle({ ...contents, manifest, writer });
    },
  });
}

/**
 * Writes a self-contained copy of a bundle to `out`: the bundle's files plus the exact backbone graph
 * (verified by sha256) and its spec, with the manifest pointing at the copy. Written to a temp folder and
 * renamed, so an interrupted export leaves nothing.
 */
export async function exportBundle(options: {
  dir: string;
  out: string;
  home?: string;
}): Promise<{ out: string; backboneBytes: number }> {
  const dir = resolve(options.dir);
  const out = resolve(options.out);
  if (out === dir)
    throw new HeadstartError(
      'INVALID_OPTION',
      `--out ${options.out} is the bundle itself; choose another folder.`,
    );
  await ensureTfjs();
  const bundle = await readBundleDir({ dir });
  try {
    const backbone = await locateBundleBackbone({
      manifest: bundle.manifest,
      bundleDir: dir,
      ...(options.home ? { home: options.home } : {}),
    });
    await saveSelfContainedBundle({ dir: out, contents: bundle, backbone });
    return { out, backboneBytes: backbone.bytes.byteLength };
  } finally {
    bundle.head.model.dispose();
  }
}

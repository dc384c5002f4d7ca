import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackboneSpec } from '../../backbone/backbone-spec.ts';
import { parseBackboneSpec } from '../../backbone/parse-backbone-spec.ts';
import { sha256Hex } from '../../backbone/sha256.ts';
import { sliceAfterBlock } from '../../backbone/truncate-graph.ts';
import type { BundleManifest } from '../../bundle/manifest.ts';
import { HeadstartError } from '../../errors.ts';
import { findBackbone, loadBackbone } from '../backbone/model-store.ts';
import { resolveBackbone } from '../backbone/resolve-backbone.ts';

/** File names of the backbone inside an exported, self-contained bundle. */
export const BUNDLED_BACKBONE_FILES = { graph: 'backbone.onnx', spec: 'backbone.json' } as const;

/** The manifest's way of naming a backbone in the user cache, as opposed to a file path. */
export const CACHE_REF_PREFIX = 'cache:';

function verified(manifest: BundleManifest, found: { bytes: Uint8Array; spec: BackboneSpec }, where: string) {
  const actual = sha256Hex(found.bytes);
  if (actual !== manifest.backbone.sha256) {
    throw new HeadstartError(
      'BUNDLE_BACKBONE_MISMATCH',
      `The bundle was trained on backbone ${manifest.backbone.id} (sha256 ${manifest.backbone.sha256}), but ${where} has sha256 ${actual}.`,
    );
  }
  return found;
}

/**
 * Finds the exact backbone graph a bundle was trained on, verified by sha256: the copy inside an exported
 * bundle, else the user cache, else — for seeded random weights — a rebuild from architecture and seed
 * (the same bytes on every machine), else the file the manifest names.
 */
export async function locateBundleBackbone(options: {
  manifest: BundleManifest;
  bundleDir: string;
  home?: string;
}): Promise<{ bytes: Uint8Array; spec: BackboneSpec; source: string }> {
  const { manifest, bundleDir } = options;
  const home = options.home ? { home: options.home } : {};
  const bundled = join(bundleDir, BUNDLED_BACKBONE_FILES.graph);
  if (existsSync(bundled)) {
    const bytes = new Uint8Array(await readFile(bundled));
    const specText = await readFile(join(bundleDir, BUNDLED_BACKBONE_FILES.spec), 'utf8');
    return {
      ...verified(manifest, { bytes, spec: parseBackboneSpec(JSON.parse(specText)) }, bundled),
      source: bundled,
    };
  }
  const { id } = manifest.backbone;
  if (await findBackbone({ ...home, id })) {
    const loaded = await loadBackbone({ ...home, id });
    return { ...verified(manifest, loaded, `the cached ${id}`), source: loaded.path };
  }
  if (manifest.backbone.weights === 'random' && manifest.backbone.seed !== undefined) {
    const match = /^(.*?)(?:-b(\d+))?$/.exec(manifest.backbone.arch);
    const base = match?.[1] ?? manifest.backbone.arch;
    const block = match?.[2] ? Number(match[2]) : undefined;
    let built = await resolveBackbone({
      ...home,
      ref: base,
      weights: 'random',
      seed: manifest.backbone.seed,
    });
    if (block !== undefined)
      built = { ...built, ...sliceAfterBlock({ bytes: built.bytes, spec: built.spec, block }) };
    return {
      ...verified(manifest, built, `a rebuilt ${base} (seed ${manifest.backbone.seed})`),
      source: `rebuilt ${built.spec.id}`,
    };
  }
  const file = manifest.backbone.file;
  if (!file.startsWith(CACHE_REF_PREFIX) && existsSync(file)) {
    const loaded = await resolveBackbone({ ...home, ref: file });
    return { ...verified(manifest, loaded, file), source: file };
  }
  throw new HeadstartError(
    'BACKBONE_NOT_FOUND',
    `The bundle needs backbone ${id} (sha256 ${manifest.backbone.sha256.slice(0, 12)}…), which is neither in the bundle nor in the cache; run \`headstart models pull ${manifest.backbone.arch.replace(/-b\d+$/, '')}\`, \`headstart models import <file>\`, or use a bundle made with \`headstart export\`.`,
  );
}

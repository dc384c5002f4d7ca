import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { parseBackboneSpec } from '../backbone/parse-backbone-spec.ts';
import type { BundleReader } from '../bundle/bundle-files.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { BlobStore } from '../cache/blob-store.ts';
import { HeadstartError, isHeadstartError } from '../errors.ts';
import { getStoredBackbone, putStoredBackbone, type StoredBackbone } from './backbone-store.ts';
import { canRebuildBackbone, rebuildRandomBackbone } from './rebuild-random-backbone.ts';
import { sha256HexAsync } from './sha256-browser.ts';

/** File names of the backbone inside an exported, self-contained bundle (as `headstart export` writes them). */
export const BUNDLE_BACKBONE_FILES = { graph: 'backbone.onnx', spec: 'backbone.json' } as const;

/** Where a backbone stands while it is being found: reading or downloading it, rebuilding, verifying. */
export type BackboneLoadPhase = 'cache' | 'read' | 'rebuild' | 'verify' | 'session';

export interface LocateBrowserBackboneOptions {
  manifest: BundleManifest;
  reader: BundleReader;
  /** Backbones kept by sha256 (IndexedDB), looked in first and filled on the way. */
  store?: BlobStore;
  onPhase?: (phase: BackboneLoadPhase) => void;
}

export interface LocatedBackbone extends StoredBackbone {
  /** For the page: `the bundle's backbone.onnx`, `the browser cache`, `rebuilt vgg16-random-s42-b3`. */
  source: string;
  /** Set when the backbone could not be kept in the store (quota, private mode): the next load repeats the work. */
  warning?: string;
}

async function readOptional(reader: BundleReader, path: string): Promise<Uint8Array | undefined> {
  try {
    return await reader.read(path);
  } catch (error) {
    if (isHeadstartError(error, 'PATH_NOT_FOUND')) return undefined;
    throw error;
  }
}

function mismatch(manifest: BundleManifest, where: string, actual: string): HeadstartError {
  return new HeadstartError(
    'BUNDLE_BACKBONE_MISMATCH',
    `The bundle was trained on backbone ${manifest.backbone.id} (sha256 ${manifest.backbone.sha256.slice(0, 12)}…), but ${where} has sha256 ${actual.slice(0, 12)}…; refusing to predict with another backbone.`,
  );
}

/**
 * Finds the exact backbone graph a bundle was trained on, verified by sha256: the browser's backbone store,
 * else the copy in an exported bundle (`backbone.onnx` + `backbone.json`), else — for seeded random weights —
 * a rebuild from architecture and seed. Anything else needs an exported bundle (BACKBONE_NOT_FOUND); a copy
 * whose hash differs is refused (BUNDLE_BACKBONE_MISMATCH), never used.
 */
export async function locateBrowserBackbone(options: LocateBrowserBackboneOptions): Promise<LocatedBackbone> {
  const { manifest, reader, store, onPhase } = options;
  const expected = manifest.backbone.sha256;
  if (store) {
    onPhase?.('cache');
    const stored = await getStoredBackbone({ store, sha256: expected });
    if (stored) return { ...stored, source: 'the browser cache' };
  }
  onPhase?.('read');
  const bytes = await readOptional(reader, BUNDLE_BACKBONE_FILES.graph);
  let found: LocatedBackbone | undefined;
  if (bytes) {
    onPhase?.('verify');
    const actual = await sha256HexAsync(bytes);
    if (actual !== expected) throw mismatch(manifest, `the bundle's ${BUNDLE_BACKBONE_FILES.graph}`, actual);
    const specBytes = await readOptional(reader, BUNDLE_BACKBONE_FILES.spec);
    if (!specBytes) {
      throw new HeadstartError(
        'BUNDLE_INVALID',
        `The bundle has ${BUNDLE_BACKBONE_FILES.graph} but no ${BUNDLE_BACKBONE_FILES.spec} beside it.`,
      );
    }
    let spec: BackboneSpec;
    try {
      spec = parseBackboneSpec(
        JSON.parse(new TextDecoder().decode(specBytes)),
        `The bundle's ${BUNDLE_BACKBONE_FILES.spec}`,
      );
    } catch (error) {
      if (isHeadstartError(error)) throw error;
      throw new HeadstartError(
        'BUNDLE_INVALID',
        `The bundle's ${BUNDLE_BACKBONE_FILES.spec} is not valid JSON.`,
        { cause: error },
      );
    }
    if (spec.sha256 !== actual)
      throw mismatch(manifest, `the bundle's ${BUNDLE_BACKBONE_FILES.spec}`, spec.sha256);
    found = { bytes, spec, source: `the bundle's ${BUNDLE_BACKBONE_FILES.graph}` };
  } else if (canRebuildBackbone(manifest.backbone)) {
    onPhase?.('rebuild');
    // Yield first so the phase reaches the page before the seconds of synchronous building.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const built = rebuildRandomBackbone({
      arch: manifest.backbone.arch,
      seed: manifest.backbone.seed as number,
    });
    onPhase?.('verify');
    if (built.spec.sha256 !== expected)
      throw mismatch(manifest, `a rebuilt ${built.spec.id}`, built.spec.sha256);
    found = { ...built, source: 'rebuilt from its seed' };
  }
  if (!found) {
    throw new HeadstartError(
      'BACKBONE_NOT_FOUND',
      `The bundle needs backbone ${manifest.backbone.id} (${manifest.backbone.weights} weights, sha256 ${expected.slice(0, 12)}…), which is not in it and cannot be rebuilt here; run \`headstart export --model <bundle> --out <folder>\` and drop the exported folder or its zip.`,
    );
  }
  if (store) {
    try {
      await putStoredBackbone({ store, backbone: found });
    } catch (error) {
      return {
        ...found,
        warning: `the backbone could not be cached in the browser (${(error as Error).message})`,
      };
    }
  }
  return found;
}

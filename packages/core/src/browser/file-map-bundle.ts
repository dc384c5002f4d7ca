import type { BundleReader } from '../bundle/bundle-files.ts';
import { BUNDLE_FILES } from '../bundle/bundle-files.ts';
import { MERGED_MODEL_FILES } from '../bundle/merged-model.ts';
import { HeadstartError } from '../errors.ts';

/** A file of a dropped folder or an unzipped archive: a Blob (File) or bytes already in memory. */
export type BundleFileSource = Blob | Uint8Array;

/** A BundleReader over named files, with where the bundle sits among them. */
export interface FileMapBundle {
  reader: BundleReader;
  /** Folder of manifest.json (or of a merged export's model.json) among the paths (`''` at the top, else ending in `/`). */
  root: string;
  /** Bundle-relative paths of the files under root. */
  paths: string[];
}

function describeFew(paths: readonly string[]): string {
  if (paths.length === 0) return 'no files at all';
  const shown = [...paths]
    .sort()
    .slice(0, 3)
    .map((p) => `"${p}"`)
    .join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}

/** Folders (`''` or ending in `/`) that hold a bundle's manifest.json or a merged export's two files. */
function modelFolders(paths: readonly string[]): string[] {
  const has = new Set(paths);
  const folders: string[] = [];
  for (const path of paths) {
    const slash = path.lastIndexOf('/');
    const folder = path.slice(0, slash + 1);
    const name = path.slice(slash + 1);
    // A bare model.json is too common a name (every head has one): it counts only beside model.onnx.
    const merged = name === MERGED_MODEL_FILES.description && has.has(`${folder}${MERGED_MODEL_FILES.graph}`);
    if (name === BUNDLE_FILES.manifest || merged) folders.push(folder);
  }
  return folders;
}

/**
 * Finds a bundle among files by path (a dropped folder with `webkitRelativePath`s, or a zip's entries):
 * its root is the shallowest folder holding manifest.json, or model.json beside model.onnx (a merged
 * export), so `my-model/manifest.json` and a bare `manifest.json` both work. Missing files read as
 * PATH_NOT_FOUND, as loadBundle expects.
 */
export function createFileMapBundle(options: {
  files: ReadonlyMap<string, BundleFileSource>;
  name?: string;
}): FileMapBundle {
  const all = [...options.files.keys()].map((p) => p.replace(/\\/g, '/').replace(/^\.?\//, ''));
  const byPath = new Map<string, BundleFileSource>();
  [...options.files.values()].forEach((file, i) => byPath.set(all[i] as string, file));
  const root = modelFolders(all).sort(
    (a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1),
  )[0];
  if (root === undefined) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `${options.name ?? 'This'} is not a model bundle: it has no manifest.json (it holds ${describeFew(all)}), nor the model.json and model.onnx of a merged export.`,
    );
  }
  const paths = all.filter((p) => p.startsWith(root)).map((p) => p.slice(root.length));
  return {
    root,
    paths,
    reader: {
      async read(path) {
        const file = byPath.get(`${root}${path}`);
        if (file === undefined)
          throw new HeadstartError('PATH_NOT_FOUND', `The bundle has no file "${path}".`);
        return file instanceof Uint8Array ? file : new Uint8Array(await file.arrayBuffer());
      },
    },
  };
}

import {
  createFileMapBundle,
  createHttpBundleReader,
  HeadstartError,
  isZipArchive,
  openBrowserBundleModel,
  readZipFiles,
  type BundleFileSource,
  type BundleReader,
  type OpenedBrowserModel,
} from '@headstart/core/browser';
import type { LoadProgress } from '../shared/protocol.ts';
import { noteSession, runtimeDevice, runtimeWasmPaths } from './runtime.ts';
import { backboneStore } from './stores.ts';

/** The files of a drop or pick: a zip is opened, a folder's files are used by their relative paths. */
async function bundleFiles(
  files: { path: string; blob: Blob }[],
  name: string,
): Promise<Map<string, BundleFileSource>> {
  const single = files.length === 1 ? files[0] : undefined;
  if (single) {
    const head = new Uint8Array(await single.blob.slice(0, 4).arrayBuffer());
    if (isZipArchive(head))
      return readZipFiles({
        bytes: new Uint8Array(await single.blob.arrayBuffer()),
        name: `"${single.path}"`,
      });
    if (/\.zip$/i.test(single.path)) {
      throw new HeadstartError('BUNDLE_INVALID', `"${single.path}" is named .zip but is not a zip archive.`);
    }
  }
  if (files.length === 0) throw new HeadstartError('BUNDLE_INVALID', `${name} holds no files.`);
  return new Map(files.map((f) => [f.path, f.blob]));
}

/** Opens a bundle from a reader on the device chosen at start-up, reporting each step. */
export async function openModel(
  reader: BundleReader,
  onProgress: (p: LoadProgress) => void,
): Promise<OpenedBrowserModel> {
  onProgress({ phase: 'manifest' });
  const model = await openBrowserBundleModel({
    reader,
    device: runtimeDevice(),
    wasmPaths: runtimeWasmPaths(),
    backboneStore: backboneStore(),
    onPhase: (phase) => onProgress({ phase }),
  });
  noteSession(model.session);
  return model;
}

/** A bundle dropped as a folder's files or as one zip. */
export async function openDroppedModel(
  files: { path: string; blob: Blob }[],
  name: string,
  onProgress: (p: LoadProgress) => void,
): Promise<OpenedBrowserModel> {
  const map = await bundleFiles(files, name);
  const bundle = createFileMapBundle({ files: map, name });
  return openModel(bundle.reader, onProgress);
}

/**
 * The bundle the server preloads (`pnpm web --model <bundle>`), or undefined when it preloads none: the
 * server lists it in `<baseUrl>index.json`. Files download with progress; the backbone only when the
 * browser has not stored it yet.
 */
export async function openPreloadedModel(
  baseUrl: string,
  onProgress: (p: LoadProgress) => void,
): Promise<OpenedBrowserModel | undefined> {
  const response = await fetch(`${baseUrl}index.json`, { cache: 'no-store' });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.includes('json')) return undefined;
  const index = (await response.json()) as { files?: unknown };
  if (!Array.isArray(index.files)) return undefined;
  const reader = createHttpBundleReader({
    baseUrl,
    onProgress: (p) =>
      onProgress({
        phase: 'download',
        path: p.path,
        loaded: p.loaded,
        ...(p.total !== undefined ? { total: p.total } : {}),
      }),
  });
  return openModel(reader, onProgress);
}

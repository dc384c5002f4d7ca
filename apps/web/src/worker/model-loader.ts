import {
  createFileMapBundle,
  createHttpBundleReader,
  HeadstartError,
  isMergedModel,
  isZipArchive,
  openBrowserBundleModel,
  openBrowserMergedModel,
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

/**
 * Opens a bundle, or a merged export (model.json beside model.onnx), from a reader on the device chosen
 * at start-up, reporting each step.
 */
export async function openModel(
  reader: BundleReader,
  onProgress: (p: LoadProgress) => void,
): Promise<OpenedBrowserModel> {
  const merged = await isMergedModel(reader);
  const report = (phase: LoadProgress['phase']) => onProgress({ phase, ...(merged ? { merged } : {}) });
  report('manifest');
  const open = merged ? openBrowserMergedModel : openBrowserBundleModel;
  const model = await open({
    reader,
    device: runtimeDevice(),
    wasmPaths: runtimeWasmPaths(),
    backboneStore: backboneStore(),
    onPhase: report,
  });
  noteSession(model.session);
  return model;
}

/** A bundle (or merged export) dropped as a folder's files or as one zip. */
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
 * The bundle (or merged export) the server preloads (`pnpm web --model <dir>`), or undefined when it
 * preloads none: the server lists it in `<baseUrl>index.json`. Files download with progress; the backbone
 * (or merged graph) only when the browser has not stored it yet.
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

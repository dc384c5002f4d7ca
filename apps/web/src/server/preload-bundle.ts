import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Connect, Plugin } from 'vite';
import type { BundleManifest } from '@headstart/core';
import { MERGED_MODEL_FILES, parseManifest, parseMergedModelDescription } from '@headstart/core';
import { BUNDLED_BACKBONE_FILES, locateBundleBackbone } from '@headstart/core/node';
import { RUNTIME_MIME_TYPES } from './isolation-headers.ts';

/** Where the page looks for a preloaded bundle, relative to its own URL. */
export const PRELOAD_PATH = 'preloaded/';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** What the folder holds: a bundle (manifest.json) or a merged export (model.json beside model.onnx). */
function readModelFolder(dir: string): { manifest: BundleManifest; merged: boolean } {
  const description = join(dir, MERGED_MODEL_FILES.description);
  if (existsSync(description) && existsSync(join(dir, MERGED_MODEL_FILES.graph))) {
    // The page verifies model.onnx against this sha256 itself; here the description only has to parse.
    const merged = parseMergedModelDescription(JSON.parse(readFileSync(description, 'utf8')));
    return { manifest: merged.bundle, merged: true };
  }
  if (!existsSync(join(dir, 'manifest.json')))
    throw new Error(
      `${dir} is not a model bundle (no manifest.json) nor a merged export (no model.json beside model.onnx).`,
    );
  return { manifest: parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8')), merged: false };
}

/**
 * Serves one bundle directory (or merged export, `export --format onnx`) at `/preloaded/`: `index.json`
 * lists its files, each file is served as is. A bundle that is not self-contained and whose backbone
 * cannot be rebuilt from a seed (ImageNet weights) gets the backbone from the Headstart model cache,
 * verified by sha256, as `backbone.onnx`; a merged export carries its whole graph and needs nothing more.
 */
export function preloadBundle(options: { dir: string; home?: string }): Plugin {
  const dir = resolve(options.dir);
  const { manifest, merged } = readModelFolder(dir);
  const files = listFiles(dir);
  const extra = new Map<string, Uint8Array>();
  let located: Promise<void> | undefined;
  const locate = (): Promise<void> => {
    located ??= (async () => {
      if (merged) return;
      // Seeded random weights are rebuilt by the page itself, byte for byte.
      const rebuildable = manifest.backbone.weights === 'random' && manifest.backbone.seed !== undefined;
      if (files.includes(BUNDLED_BACKBONE_FILES.graph) || rebuildable) return;
      const backbone = await locateBundleBackbone({
        manifest,
        bundleDir: dir,
        ...(options.home ? { home: options.home } : {}),
      });
      extra.set(BUNDLED_BACKBONE_FILES.graph, backbone.bytes);
      extra.set(BUNDLED_BACKBONE_FILES.spec, new TextEncoder().encode(JSON.stringify(backbone.spec)));
    })();
    return located;
  };
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = (req.url ?? '').split('?')[0] ?? '';
    if (!url.startsWith(`/${PRELOAD_PATH}`)) return next();
    const path = decodeURIComponent(url.slice(PRELOAD_PATH.length + 1));
    void (async () => {
      try {
        await locate();
        if (path === 'index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Cache-Control', 'no-store');
          res.end(JSON.stringify({ id: manifest.id, files: [...files, ...extra.keys()] }));
          return;
        }
        const virtual = extra.get(path);
        const full = resolve(dir, path);
        const inside = full.startsWith(`${dir}${sep}`) && files.includes(path);
        if (!virtual && !inside) {
          res.statusCode = 404;
          res.end(`No file "${path}" in the preloaded bundle.`);
          return;
        }
        const body = virtual ?? readFileSync(full);
        res.setHeader('Content-Type', RUNTIME_MIME_TYPES[extname(path)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(virtual ? virtual.byteLength : statSync(full).size));
        res.setHeader('Cache-Control', 'no-cache');
        res.end(body);
      } catch (error) {
        res.statusCode = 500;
        res.end((error as Error).message);
      }
    })();
  };
  return {
    name: 'headstart-preload-bundle',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

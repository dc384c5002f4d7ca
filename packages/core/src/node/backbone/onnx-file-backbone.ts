import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { WeightsSource } from '../../backbone/backbone-spec.ts';
import { importOnnxBackbone } from '../../backbone/import-onnx-backbone.ts';
import { parseBackboneSpec } from '../../backbone/parse-backbone-spec.ts';
import type { NormalizationMode } from '../../backbone/preprocess-spec.ts';
import { HeadstartError } from '../../errors.ts';
import { sha256OfBytes, type ResolvedBackbone } from './model-store.ts';

/** Sidecar spec paths tried for `model.onnx`: `model.onnx.json`, then `model.json`. */
export function sidecarPaths(path: string): string[] {
  return [`${path}.json`, path.replace(/\.onnx$/i, '.json')].filter(
    (p, i, all) => p !== path && all.indexOf(p) === i,
  );
}

/** An id for a file's backbone: its name without extension, reduced to id characters. */
export function idFromFileName(path: string): string {
  const stem = basename(path).replace(/\.[^.]+$/, '');
  const id = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return id || 'imported';
}

export interface OnnxFileBackboneOptions {
  path: string;
  /** Needed when the file has no sidecar spec. */
  normalization?: NormalizationMode;
  weights?: WeightsSource;
  id?: string;
}

/**
 * A backbone from an .onnx file. With a sidecar spec (`<file>.json`) the graph is used as it is, after
 * checking the spec's sha256; otherwise it is inspected and cut at its last MaxPool (importOnnxBackbone),
 * which needs `normalization`: INVALID_OPTION says to pass `--preprocess caffe|torch`.
 */
export async function loadOnnxFileBackbone(options: OnnxFileBackboneOptions): Promise<ResolvedBackbone> {
  const { path } = options;
  if (!existsSync(path)) throw new HeadstartError('PATH_NOT_FOUND', `No such file: ${path}.`);
  const file = await readFile(path);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const sidecar = sidecarPaths(path).find((p) => existsSync(p));
  if (sidecar) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(sidecar, 'utf8'));
    } catch (cause) {
      throw new HeadstartError(
        'BACKBONE_INVALID',
        `${sidecar} is not valid JSON; expected the backbone spec of ${path}.`,
        { cause },
      );
    }
    const spec = parseBackboneSpec(json, sidecar);
    if (sha256OfBytes(bytes) !== spec.sha256) {
      throw new HeadstartError(
        'BACKBONE_INVALID',
        `${sidecar} describes a different graph than ${path} (sha256 differs); remove or regenerate it.`,
      );
    }
    return { path, bytes, spec: { ...spec, ...(options.id ? { id: options.id } : {}) } };
  }
  if (!options.normalization) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `${path} has no spec beside it (${sidecarPaths(path).join(' or ')}), so its preprocessing is unknown; pass --preprocess caffe|torch (caffe for Keras weights, torch for torchvision).`,
    );
  }
  const imported = importOnnxBackbone({
    bytes,
    name: options.id ?? idFromFileName(path),
    normalization: options.normalization,
    weights: options.weights ?? 'imagenet',
    source: path,
  });
  return { path, ...imported };
}

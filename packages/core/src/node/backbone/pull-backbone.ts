import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildVggFromKerasWeights } from '../../backbone/keras-weights.ts';
import { HeadstartError, formatChoices } from '../../errors.ts';
import { downloadFile, type FetchImpl } from './download.ts';
import { KERAS_NOTOP_WEIGHTS, PULLABLE_BACKBONES, isPullable } from './keras-sources.ts';
import { modelsRoot, saveBackbone, type BackboneInfo, type StoreOptions } from './model-store.ts';
import { readKerasH5 } from './read-keras-h5.ts';

/** Progress of a pull: bytes while downloading, then the conversion to ONNX. */
export type PullProgress =
  { phase: 'download'; receivedBytes: number; totalBytes?: number } | { phase: 'convert' };

export interface PullBackboneOptions extends StoreOptions {
  /** `vgg16` or `vgg19`. */
  id: string;
  /** Only Keras's published weights are supported. */
  source?: 'keras';
  fetchImpl?: FetchImpl;
  onProgress?: (progress: PullProgress) => void;
  /** Fails when the server has not answered within this (default 30 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Downloads Keras's ImageNet conv-base weights for `id` (checked against Keras's pinned md5), converts them
 * to an ONNX backbone (caffe preprocessing) and stores it as `id`. The downloaded .h5 is deleted afterwards.
 */
export async function pullBackbone(options: PullBackboneOptions): Promise<BackboneInfo> {
  const { id } = options;
  if ((options.source ?? 'keras') !== 'keras') {
    throw new HeadstartError('INVALID_OPTION', `Unknown weights source "${options.source}"; use keras.`);
  }
  if (!isPullable(id)) {
    throw new HeadstartError(
      'WEIGHTS_UNAVAILABLE',
      `No published ImageNet weights for "${id}"; pull ${formatChoices(PULLABLE_BACKBONES)}, or run \`headstart models import <file>\`.`,
    );
  }
  const source = KERAS_NOTOP_WEIGHTS[id];
  const dest = join(modelsRoot(options), '.downloads', source.fileName);
  try {
    await downloadFile({
      url: source.url,
      dest,
      expectedHash: source.hash,
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => options.onProgress?.({ phase: 'download', ...p }),
    });
    options.onProgress?.({ phase: 'convert' });
    const layers = await readKerasH5({ path: dest });
    const { bytes, spec } = buildVggFromKerasWeights({
      layers,
      arch: id,
      normalization: 'caffe',
      source: 'imagenet',
      id,
    });
    return await saveBackbone({ ...options, bytes, spec });
  } finally {
    await rm(dest, { force: true });
  }
}

import { extname } from 'node:path';
import type { WeightsSource } from '../../backbone/backbone-spec.ts';
import { buildVggFromKerasWeights, inferKerasArchitecture } from '../../backbone/keras-weights.ts';
import type { NormalizationMode } from '../../backbone/preprocess-spec.ts';
import { backboneId } from '../../backbone/vgg-architectures.ts';
import { HeadstartError } from '../../errors.ts';
import { checkBackboneId, saveBackbone, type BackboneInfo, type StoreOptions } from './model-store.ts';
import { idFromFileName, loadOnnxFileBackbone } from './onnx-file-backbone.ts';
import { readKerasH5 } from './read-keras-h5.ts';

export interface ImportBackboneOptions extends StoreOptions {
  /** A Keras weights file (.h5, .hdf5) or an ONNX graph (.onnx). */
  file: string;
  /** Defaults to `caffe` for Keras files; required for .onnx files without a sidecar spec. */
  normalization?: NormalizationMode;
  /**
   * Store id. Defaults to the architecture for Keras files (`vgg16`: the file then serves as the ImageNet
   * backbone, as a pull would) and to the file name for ONNX graphs.
   */
  id?: string;
  /** Defaults to `imagenet`. */
  weights?: WeightsSource;
}

/**
 * Converts a local weights file into a stored backbone: Keras HDF5 conv weights are rebuilt as an ONNX
 * graph; ONNX graphs are checked as VGG conv bases and cut at their last MaxPool.
 */
export async function importBackbone(options: ImportBackboneOptions): Promise<BackboneInfo> {
  const { file } = options;
  const weights = options.weights ?? 'imagenet';
  const ext = extname(file).toLowerCase();
  if (options.id !== undefined) checkBackboneId(options.id);
  if (ext === '.h5' || ext === '.hdf5') {
    const layers = await readKerasH5({ path: file });
    const arch = inferKerasArchitecture(layers, file);
    const { bytes, spec } = buildVggFromKerasWeights({
      layers,
      arch,
      normalization: options.normalization ?? 'caffe',
      source: weights,
      id: options.id ?? backboneId({ arch: arch.id, weights }),
    });
    return saveBackbone({ ...options, bytes, spec });
  }
  if (ext === '.onnx') {
    const { bytes, spec } = await loadOnnxFileBackbone({
      path: file,
      weights,
      id: options.id ?? idFromFileName(file),
      ...(options.normalization ? { normalization: options.normalization } : {}),
    });
    return saveBackbone({ ...options, bytes, spec });
  }
  throw new HeadstartError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Cannot import "${file}"; use a Keras weights file (.h5) or an ONNX graph (.onnx).`,
  );
}

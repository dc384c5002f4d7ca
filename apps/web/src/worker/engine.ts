import * as tf from '@tensorflow/tfjs-core';
import { embedImages, HeadstartError, preprocessImage } from '@headstart/core/browser';
import type { EngineApi } from '../shared/protocol.ts';
import { runBenchmark } from './benchmark.ts';
import { checkImages } from './check-images.ts';
import { classifyInputs, toEngineError } from './classify.ts';
import { exportTrainedBundle } from './export-bundle.ts';
import { openDroppedModel, openPreloadedModel } from './model-loader.ts';
import {
  adoptModel,
  currentInfo,
  heldTensors,
  loadedBackbone,
  requireModel,
  setTrained,
  trainedModel,
  useTrained,
} from './model-slots.ts';
import { initRuntime, runtimeStatus } from './runtime.ts';
import { backboneStore, featureStore } from './stores.ts';
import { runTraining } from './trainer.ts';

/** Rethrows as a plain Error whose message carries the code, which survives the trip through postMessage. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { code, message } = toEngineError(error);
    throw new Error(`${code}: ${message}`, { cause: error });
  }
}

let training: AbortController | undefined;

/** The engine the page drives from its worker: every call is one of the core's pipelines. */
export const engine: EngineApi = {
  init: (options) => guarded(() => initRuntime(options)),
  status: () => guarded(async () => runtimeStatus()),
  loadPreloaded: (baseUrl, onProgress) =>
    guarded(async () => {
      const model = await openPreloadedModel(baseUrl, onProgress);
      return model ? adoptModel(model, 'preloaded') : undefined;
    }),
  loadBundleFiles: (files, name, onProgress) =>
    guarded(async () => adoptModel(await openDroppedModel(files, name, onProgress), 'file')),
  currentModel: async () => currentInfo(),
  useTrainedModel: () => guarded(() => useTrained()),
  classify: (inputs, topK) => guarded(() => classifyInputs({ model: requireModel(), inputs, topK })),
  checkImages: (files) => guarded(() => checkImages(files)),
  train: (request, callbacks) =>
    guarded(async () => {
      if (training)
        throw new HeadstartError('INVALID_OPTION', 'A training run is already going; stop it first.');
      training = new AbortController();
      try {
        const loaded = loadedBackbone(request.backbone);
        const run = await runTraining({
          request,
          callbacks,
          signal: training.signal,
          ...(loaded ? { loaded } : {}),
        });
        await setTrained(run.trained);
        return run.summary;
      } finally {
        training = undefined;
      }
    }),
  stopTraining: async () => {
    training?.abort();
  },
  exportTrained: (options) =>
    guarded(() => exportTrainedBundle({ trained: trainedModel(), includeBackbone: options.includeBackbone })),
  cacheInfo: () =>
    guarded(async () => {
      const graphs = (await backboneStore().keys()).filter((key) => key.endsWith('/graph.onnx')).length;
      const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
      return {
        features: await featureStore().count(),
        backbones: graphs,
        ...(estimate?.usage !== undefined ? { bytes: estimate.usage } : {}),
      };
    }),
  clearCache: () =>
    guarded(async () => {
      await featureStore().clear();
      await backboneStore().clear();
    }),
  memory: async () => ({ numTensors: tf.memory().numTensors, heldByModels: heldTensors() }),
  preprocess: (bytes) =>
    guarded(async () => {
      const model = requireModel();
      return preprocessImage({ image: await model.decode(bytes, 'image'), spec: model.manifest.preprocess });
    }),
  embed: (images) =>
    guarded(async () => {
      const inputs = images.map((bytes, i) => ({
        id: `image-${i}`,
        content: { kind: 'encoded' as const, bytes },
      }));
      const out = await embedImages({ model: requireModel(), inputs });
      if (out.skipped.length > 0)
        throw new HeadstartError('IMAGE_DECODE_FAILED', out.skipped.map((s) => s.reason).join(' '));
      return { features: out.features, dim: out.dim };
    }),
  benchmark: (options) =>
    guarded(() => {
      const loaded = loadedBackbone(options.backbone);
      return runBenchmark({ ...options, ...(loaded ? { loaded } : {}) });
    }),
};

import { HeadstartError, type LoadedModel, type MergedModelDescription } from '@headstart/core/browser';
import type { ModelInfo } from '../shared/protocol.ts';

const DIGITS = new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Whether a bundle classifies digits, so the page can offer a canvas to draw one on. */
export function isDigitBundle(labels: readonly string[]): boolean {
  return labels.length >= 2 && labels.every((label) => DIGITS.has(label));
}

/** How the page describes a loaded model; `merged` is a merged export's model.json. */
export function describeModel(options: {
  model: LoadedModel;
  merged?: MergedModelDescription;
  backboneSource: string;
  origin: ModelInfo['origin'];
  warnings: string[];
  executionProvider: string;
  executionNote: string;
  validationAccuracy?: number;
}): ModelInfo {
  const { model, merged } = options;
  const { manifest } = model;
  return {
    id: manifest.id,
    ...(merged
      ? {
          merged: {
            sha256: merged.sha256,
            inputName: merged.input.name,
            outputName: merged.output.name,
          },
        }
      : {}),
    labels: [...manifest.labels],
    inputSize: manifest.preprocess.inputSize,
    pooling: manifest.pooling,
    featureDim: manifest.featureDim,
    backboneId: manifest.backbone.id,
    backboneWeights:
      manifest.backbone.seed !== undefined
        ? `${manifest.backbone.weights}, seed ${manifest.backbone.seed}`
        : manifest.backbone.weights,
    backboneSource: options.backboneSource,
    executionProvider: options.executionProvider,
    executionNote: options.executionNote,
    digits: isDigitBundle(manifest.labels),
    ...(options.validationAccuracy !== undefined ? { validationAccuracy: options.validationAccuracy } : {}),
    origin: options.origin,
    warnings: options.warnings,
  };
}

/** The validation accuracy a bundle's metrics.json records, when it does. */
export function recordedAccuracy(metrics: Record<string, unknown> | undefined): number | undefined {
  const validation = metrics?.validation as { accuracy?: unknown } | undefined;
  return typeof validation?.accuracy === 'number' ? validation.accuracy : undefined;
}

/** Why a merged export cannot stand in for a bundle's backbone (training on it, benchmarking it). */
export function mergedHasNoBackbone(id: string): HeadstartError {
  return new HeadstartError(
    'INVALID_OPTION',
    `${id} is a merged ONNX graph (backbone and head in one model.onnx): it outputs class probabilities, not backbone features, so no head can be trained on it; load the bundle it was exported from, or pick a random-weight backbone.`,
  );
}

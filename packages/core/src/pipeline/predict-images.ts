import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { DatasetSample, SampleContent } from '../data/dataset.ts';
import { HeadstartError, type ErrorCode } from '../errors.ts';
import type { BackboneSession } from '../features/backbone-session.ts';
import { extractFeatures, type ExtractResult } from '../features/extract-features.ts';
import type { FeatureCache } from '../cache/feature-cache.ts';
import type { DecodeImage } from '../image/rgb-image.ts';
import { predictProbabilities, topK, type HeadModel, type RankedLabel } from '../head/predict-head.ts';

/** One image to classify: a name for messages, and its bytes or pixels. */
export interface ImageInput {
  id: string;
  content: SampleContent;
}

/** The answer for one image: its label and probability, the top k, or why it could not be read. */
export type ImagePrediction =
  | { id: string; ok: true; label: string; probability: number; top: RankedLabel[] }
  | { id: string; ok: false; error: { code: ErrorCode; message: string } };

/**
 * A bundle opened for inference: its manifest, head, and the backbone session it runs on. A merged graph
 * (`export --format onnx`) has no head: its session already outputs the class probabilities, and
 * `backbone` describes that graph (see mergedBackboneSpec).
 */
export interface LoadedModel {
  manifest: BundleManifest;
  backbone: BackboneSpec;
  head?: HeadModel;
  session: BackboneSession;
  decode: DecodeImage;
  cache?: FeatureCache;
}

function asSamples(inputs: readonly ImageInput[]): DatasetSample[] {
  return inputs.map((input) => ({ id: input.id, label: '', read: async () => input.content }));
}

/** How a model's session output is pooled: the manifest's way, or kept as it is for a merged graph. */
export function modelPooling(model: LoadedModel): BundleManifest['pooling'] {
  return model.head ? model.manifest.pooling : 'flatten';
}

/**
 * Class probabilities (count × classes) from a model's pooled session output: through the head, or as
 * they are for a merged graph whose output already is the probabilities.
 */
export async function modelProbabilities(options: {
  model: LoadedModel;
  features: Float32Array;
  count: number;
}): Promise<Float32Array> {
  const { model, features, count } = options;
  return model.head ? predictProbabilities({ head: model.head, features, count }) : features;
}

/** Refuses features from a merged graph, which has none to give (its output is the probabilities). */
export function requireFeatureOutput(model: LoadedModel): void {
  if (!model.head) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `${model.manifest.id} is a merged ONNX graph that outputs class probabilities only; embeddings need the bundle itself (backbone and head).`,
    );
  }
}

async function runModel(options: {
  model: LoadedModel;
  inputs: readonly ImageInput[];
  batchSize?: number;
}): Promise<ExtractResult> {
  const { model } = options;
  return extractFeatures({
    samples: asSamples(options.inputs),
    decode: model.decode,
    session: model.session,
    backbone: model.backbone,
    preprocess: model.manifest.preprocess,
    pooling: modelPooling(model),
    batchSize: options.batchSize ?? 32,
    ...(model.cache ? { cache: model.cache } : {}),
  });
}

/** Pooled features for each image, exactly as the bundle's head sees them (before standardisation). */
export async function embedImages(options: {
  model: LoadedModel;
  inputs: readonly ImageInput[];
  batchSize?: number;
}): Promise<ExtractResult> {
  requireFeatureOutput(options.model);
  return runModel(options);
}

/**
 * Classifies images with a loaded bundle: the bundle's own preprocessing, backbone and head, so every
 * front-end gives the same answer for the same image. Unreadable images get an error entry, in order.
 */
export async function predictImages(options: {
  model: LoadedModel;
  inputs: readonly ImageInput[];
  topK?: number;
  batchSize?: number;
}): Promise<ImagePrediction[]> {
  const { model, inputs } = options;
  const labels = model.manifest.labels;
  const k = Math.min(options.topK ?? 3, labels.length);
  const extracted = await runModel(options);
  const probabilities = await modelProbabilities({
    model,
    features: extracted.features,
    count: extracted.kept.length,
  });
  const out: ImagePrediction[] = new Array(inputs.length);
  extracted.kept.forEach((index, row) => {
    const top = topK({ probabilities, labels, k, row });
    const best = top[0] as RankedLabel;
    out[index] = { id: inputs[index]!.id, ok: true, label: best.label, probability: best.probability, top };
  });
  for (const s of extracted.skipped) {
    out[s.index] = { id: s.id, ok: false, error: { code: s.code, message: s.reason } };
  }
  return out;
}

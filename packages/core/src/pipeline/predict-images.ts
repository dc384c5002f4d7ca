import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import type { DatasetSample, SampleContent } from '../data/dataset.ts';
import type { ErrorCode } from '../errors.ts';
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

/** A bundle opened for inference: its manifest, head, and the backbone session it runs on. */
export interface LoadedModel {
  manifest: BundleManifest;
  backbone: BackboneSpec;
  head: HeadModel;
  session: BackboneSession;
  decode: DecodeImage;
  cache?: FeatureCache;
}

function asSamples(inputs: readonly ImageInput[]): DatasetSample[] {
  return inputs.map((input) => ({ id: input.id, label: '', read: async () => input.content }));
}

/** Pooled features for each image, exactly as the bundle's head sees them (before standardisation). */
export async function embedImages(options: {
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
    pooling: model.manifest.pooling,
    batchSize: options.batchSize ?? 32,
    ...(model.cache ? { cache: model.cache } : {}),
  });
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
  const extracted = await embedImages(options);
  const probabilities = await predictProbabilities({
    head: model.head,
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

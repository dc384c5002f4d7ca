import { HeadstartError } from '@headstart/core';
import type { Context, Hono } from 'hono';
import type { ApiMetrics } from '../api-metrics.ts';
import {
  prepareImageTensor,
  rankProbabilities,
  requireFeatureOutput,
  type ImageOutput,
} from '@headstart/core';
import type { Limiter } from '../limiter.ts';
import type { ModelHolder } from '../model-holder.ts';
import { readImages, type UploadedImage } from '../read-images.ts';
import type { ServingModel } from '../serving-model.ts';

export interface InferenceDeps {
  holder: ModelHolder;
  metrics: ApiMetrics;
  maxImages: number;
  decodeLimiter: Limiter;
}

/** How long each stage of a request took, in milliseconds. */
export interface Timing {
  decodeMs: number;
  inferenceMs: number;
  totalMs: number;
}

const DEFAULT_TOP_K = 3;

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function parseTopK(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_TOP_K;
  const k = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(k) || k < 1 || k > 1000) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Invalid topK "${value}"; use a whole number from 1 up (it is capped at the number of labels).`,
    );
  }
  return k;
}

/** Decodes every image (a few at a time); the first unreadable one, in request order, fails the request. */
async function prepareAll(
  model: ServingModel,
  images: UploadedImage[],
  limiter: Limiter,
): Promise<Float32Array[]> {
  const settled = await Promise.allSettled(
    images.map((image) =>
      limiter.run(() => prepareImageTensor({ model: model.model, bytes: image.bytes, name: image.name })),
    ),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<Float32Array>).value);
}

/** Reads, decodes and runs a request's images through the batcher of the model current when it began. */
async function infer<T>(
  c: Context,
  deps: InferenceDeps,
  answer: (model: ServingModel, images: UploadedImage[], outputs: ImageOutput[], timing: Timing) => T,
  /** Refuses the request for this model before any image is decoded. */
  check?: (model: ServingModel) => void,
): Promise<T> {
  const started = performance.now();
  const images = await readImages({ req: c.req, maxImages: deps.maxImages });
  return deps.holder.use(async (model) => {
    check?.(model);
    const t0 = performance.now();
    const tensors = await prepareAll(model, images, deps.decodeLimiter);
    const t1 = performance.now();
    const outputs = await model.batcher.submit(tensors, { signal: c.req.raw.signal });
    const t2 = performance.now();
    deps.metrics.recordImages(images.length);
    return answer(model, images, outputs, {
      decodeMs: round(t1 - t0),
      inferenceMs: round(t2 - t1),
      totalMs: round(t2 - started),
    });
  });
}

/** POST /v1/predict and POST /v1/embed. */
export function registerInferenceRoutes(app: Hono, deps: InferenceDeps): void {
  app.post('/v1/predict', async (c) => {
    const k = parseTopK(c.req.query('topK'));
    const body = await infer(c, deps, (model, images, outputs, timing) => {
      const labels = model.model.manifest.labels;
      return {
        model: model.id,
        predictions: outputs.map((output, i) => {
          const ranked = rankProbabilities({ probabilities: output.probabilities, labels, k });
          return {
            image: (images[i] as UploadedImage).name,
            label: ranked.label,
            probability: ranked.probability,
            top: ranked.top.map((t) => ({ label: t.label, probability: t.probability })),
          };
        }),
        timing,
      };
    });
    return c.json(body);
  });

  app.post('/v1/embed', async (c) => {
    const body = await infer(
      c,
      deps,
      (model, images, outputs, timing) => ({
        model: model.id,
        pooling: model.model.manifest.pooling,
        dim: model.model.manifest.featureDim,
        embeddings: outputs.map((output, i) => ({
          image: (images[i] as UploadedImage).name,
          features: Array.from(output.features),
        })),
        timing,
      }),
      (model) => requireFeatureOutput(model.model),
    );
    return c.json(body);
  });
}

import type { BackboneSession } from '@headstart/core';
import type { Hono } from 'hono';
import { createApiMetrics, type ApiMetrics } from './api-metrics.ts';
import { createApp } from './app.ts';
import type { ApiConfig } from './config.ts';
import type { Limiter } from './limiter.ts';
import { createModelHolder, type ModelHolder } from './model-holder.ts';
import { loadServingModel } from './serving-model.ts';

export interface CreateApiOptions {
  config: ApiConfig;
  /** The tf.js backend in use, for /readyz. */
  tfjsBackend?: string;
  version?: string;
  log?: (line: string) => void;
  /** Wraps each backbone session opened (a test seam). */
  wrapSession?: (session: BackboneSession) => BackboneSession;
  /** Bounds concurrent decoding (default: 4 images at once). */
  decodeLimiter?: Limiter;
}

/** The app, its model holder (not started yet) and its metrics, wired from one config. */
export interface Api {
  app: Hono;
  holder: ModelHolder;
  metrics: ApiMetrics;
}

/**
 * Wires the API from a config: a model holder that loads the configured bundle (sharing the backbone
 * session across reloads when its sha256 is unchanged), metrics fed by every batch, and the Hono app.
 * Call `holder.start()` to load the model.
 */
export function createApi(options: CreateApiOptions): Api {
  const { config, log } = options;
  // The gauge is read only at scrape time, after the holder exists.
  const metrics = createApiMetrics({ queueDepth: () => holder.queueDepth() });
  const holder: ModelHolder = createModelHolder({
    load: (previous) =>
      loadServingModel({
        dir: config.model,
        device: config.device,
        maxPixels: config.maxPixels,
        batching: config,
        onBatch: (info) => metrics.recordBatch(info),
        threads: config.threads,
        ...(config.home ? { home: config.home } : {}),
        ...(previous ? { previous } : {}),
        ...(options.wrapSession ? { wrapSession: options.wrapSession } : {}),
      }),
    onDisposeError: (error) => log?.(`could not free a replaced model: ${(error as Error).message}`),
  });
  const app = createApp({
    holder,
    metrics,
    config,
    ...(options.tfjsBackend ? { tfjsBackend: options.tfjsBackend } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(log ? { log } : {}),
    ...(options.decodeLimiter ? { decodeLimiter: options.decodeLimiter } : {}),
  });
  return { app, holder, metrics };
}

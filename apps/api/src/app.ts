import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { routePath } from 'hono/route';
import type { ApiMetrics } from './api-metrics.ts';
import { bearerAuth } from './auth.ts';
import { limitBody } from './body-limit.ts';
import type { ApiConfig } from './config.ts';
import { sendError } from './error-response.ts';
import { HttpError } from './http-errors.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import type { ModelHolder } from './model-holder.ts';
import { registerInferenceRoutes } from './routes/inference.ts';
import { registerModelRoutes } from './routes/model.ts';
import { registerOpsRoutes } from './routes/ops.ts';

/** Every route the API serves (the `route` label of its metrics). */
export const API_ROUTES = [
  '/v1/predict',
  '/v1/embed',
  '/v1/model',
  '/v1/model/reload',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
] as const;

/** Paths that answer without a token. */
const PUBLIC_PATHS = ['/healthz'];

/** Images decoded at once, across all requests (libuv's default thread pool size). */
const DEFAULT_DECODE_CONCURRENCY = 4;

export interface AppDeps {
  holder: ModelHolder;
  metrics: ApiMetrics;
  config: Pick<ApiConfig, 'maxBodyBytes' | 'maxImages' | 'apiKey' | 'corsOrigins'>;
  /** The tf.js backend the head runs on, reported by /readyz. */
  tfjsBackend?: string;
  /** Bounds how many images are decoded at once; default 4. */
  decodeLimiter?: Limiter;
  /** The API's version, for /openapi.json. */
  version?: string;
  /** Where server-side error details go (never to clients). */
  log?: (line: string) => void;
}

/**
 * The HTTP API as a pure Hono app over an injected model holder and metrics: tests drive it with
 * `app.request()`, startServer puts it behind @hono/node-server. Every failure leaves through one
 * onError as `{ "error": { "code", "message" } }` with the status HTTP_STATUS gives its code.
 */
export function createApp(deps: AppDeps): Hono {
  const { config, metrics, log } = deps;
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const done = metrics.startRequest();
    try {
      await next();
    } finally {
      done();
      const path = routePath(c, -1);
      const route = (API_ROUTES as readonly string[]).includes(path) ? path : 'unmatched';
      metrics.recordRequest({
        route,
        method: c.req.method,
        status: c.res.status,
        durationMs: performance.now() - started,
      });
    }
  });

  if (config.corsOrigins.length > 0) {
    const origins = config.corsOrigins;
    app.use(
      '*',
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: 600,
      }),
    );
  }
  if (config.apiKey) app.use('*', bearerAuth({ apiKey: config.apiKey, except: PUBLIC_PATHS }));

  app.use('/v1/*', limitBody({ maxBytes: config.maxBodyBytes }));

  registerInferenceRoutes(app, {
    holder: deps.holder,
    metrics,
    maxImages: config.maxImages,
    decodeLimiter: deps.decodeLimiter ?? createLimiter({ concurrency: DEFAULT_DECODE_CONCURRENCY }),
  });
  registerModelRoutes(app, { holder: deps.holder, ...(log ? { log } : {}) });
  registerOpsRoutes(app, {
    holder: deps.holder,
    metrics,
    version: deps.version ?? '0.0.0',
    ...(deps.tfjsBackend ? { tfjsBackend: deps.tfjsBackend } : {}),
  });

  app.notFound((c) =>
    sendError(
      c,
      new HttpError(
        'NOT_FOUND',
        `No route ${c.req.method} ${c.req.path}; see GET /openapi.json for the routes.`,
      ),
    ),
  );
  app.onError((error, c) => sendError(c, error, log));
  return app;
}

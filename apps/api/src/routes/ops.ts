import type { Hono } from 'hono';
import type { ApiMetrics } from '../api-metrics.ts';
import type { ModelHolder } from '../model-holder.ts';
import { openApiDocument } from '../openapi.ts';

/** GET /healthz, /readyz, /metrics and /openapi.json. */
export function registerOpsRoutes(
  app: Hono,
  deps: { holder: ModelHolder; metrics: ApiMetrics; tfjsBackend?: string; version: string },
): void {
  // Alive: touches nothing but the event loop, so it stays fast however busy the backbone is.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', (c) => {
    const { holder } = deps;
    const served = holder.current;
    if (holder.status !== 'ready' || !served) {
      return c.json({ status: holder.status === 'ready' ? 'loading' : holder.status, ready: false }, 503, {
        'Retry-After': '1',
      });
    }
    return c.json({
      status: 'ready',
      ready: true,
      model: served.id,
      backbone: {
        id: served.model.backbone.id,
        sha256: served.backbone.sha256,
        source: served.backbone.source,
        warm: true,
      },
      executionProvider: served.backbone.session.executionProvider,
      ...(deps.tfjsBackend ? { tfjsBackend: deps.tfjsBackend } : {}),
      queueDepth: holder.queueDepth(),
    });
  });

  app.get('/metrics', (c) =>
    c.body(deps.metrics.registry.render(), 200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );

  app.get('/openapi.json', (c) => c.json(openApiDocument({ version: deps.version })));
}

import type { Hono } from 'hono';
import type { ModelHolder } from '../model-holder.ts';
import type { ServingModel } from '../serving-model.ts';

/** What GET /v1/model says of a served bundle: all from its manifest and metrics file. */
export function describeModel(served: ServingModel) {
  const { manifest } = served.model;
  return {
    id: manifest.id,
    createdAt: manifest.createdAt,
    labels: manifest.labels,
    backbone: {
      ...manifest.backbone,
      executionProvider: served.backbone.session.executionProvider,
      source: served.backbone.source,
    },
    preprocess: manifest.preprocess,
    pooling: manifest.pooling,
    featureDim: manifest.featureDim,
    head: manifest.head.spec,
    training: manifest.training,
    data: manifest.data,
    versions: manifest.versions,
    metrics: served.metrics ?? null,
    merged: served.model.head === undefined,
  };
}

/** GET /v1/model and POST /v1/model/reload. */
export function registerModelRoutes(
  app: Hono,
  deps: { holder: ModelHolder; log?: (line: string) => void },
): void {
  app.get('/v1/model', (c) => deps.holder.use(async (served) => c.json(describeModel(served))));

  app.post('/v1/model/reload', async (c) => {
    const result = await deps.holder.reload();
    deps.log?.(
      `reloaded ${result.model} (was ${result.previous}; backbone ${result.backboneReused ? 'reused' : 'reopened'}) in ${result.durationMs} ms`,
    );
    return c.json({ reloaded: true, ...result });
  });
}

import { embedImages, predictImages, type ImageInput } from '@headstart/core';
import { openBundleModel, type OpenedBundleModel } from '@headstart/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../src/app.ts';
import { openTestApp, testBundle, type TestApp } from './harness.ts';
import { syntheticPng } from './synthetic-bundle.ts';

interface Prediction {
  image: string;
  label: string;
  probability: number;
  top: { label: string; probability: number }[];
}

let api: TestApp;
let cliModel: OpenedBundleModel;
const images: { name: string; bytes: Uint8Array<ArrayBuffer>; type: string }[] = [];

beforeAll(async () => {
  api = await openTestApp();
  cliModel = await openBundleModel({ dir: testBundle().dir, home: testBundle().home, threads: 1 });
  for (const [i, label] of ['red', 'green', 'blue', 'red', 'green'].entries()) {
    const format = i % 2 === 0 ? 'png' : 'jpeg';
    images.push({
      name: `${label}-${i}`,
      bytes: await syntheticPng({ label, index: 10 + i, size: 48 + i, format }),
      type: `image/${format}`,
    });
  }
});
afterAll(async () => {
  await api.close();
  await cliModel.dispose();
});

function rawPost(path: string, image: { bytes: Uint8Array<ArrayBuffer>; type: string }) {
  return api.app.request(path, {
    method: 'POST',
    body: image.bytes,
    headers: { 'content-type': image.type },
  });
}

function multipart(list: { name: string; bytes: Uint8Array<ArrayBuffer>; type: string }[]): FormData {
  const form = new FormData();
  for (const image of list)
    form.append(
      'image',
      new Blob([image.bytes], { type: image.type }),
      `${image.name}.${image.type.slice(6)}`,
    );
  return form;
}

describe('POST /v1/predict', () => {
  it('answers a raw image body with label, probability, top-k, model id and timing', async () => {
    const res = await rawPost('/v1/predict?topK=2', images[0]!);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      model: string;
      predictions: Prediction[];
      timing: Record<string, number>;
    };
    expect(body.model).toBe(testBundle().id);
    expect(body.predictions).toHaveLength(1);
    const [p] = body.predictions;
    expect(testBundle().labels).toContain(p!.label);
    expect(p!.top).toHaveLength(2);
    expect(p!.top[0]).toEqual({ label: p!.label, probability: p!.probability });
    expect(p!.top[0]!.probability).toBeGreaterThanOrEqual(p!.top[1]!.probability);
    expect(body.timing.totalMs).toBeGreaterThan(0);
    expect(body.timing.totalMs).toBeGreaterThanOrEqual(body.timing.inferenceMs!);
  });

  it('gives the labels and probabilities of the CLI predict (core predictImages over openBundleModel)', async () => {
    const inputs: ImageInput[] = images.map((image) => ({
      id: image.name,
      content: { kind: 'encoded', bytes: image.bytes },
    }));
    const expected = await predictImages({ model: cliModel, inputs, topK: 3 });
    // The three ways of sending images: one multipart request, a JSON request, and one raw request each.
    const viaForm = (await (
      await api.app.request('/v1/predict?topK=3', { method: 'POST', body: multipart(images) })
    ).json()) as {
      predictions: Prediction[];
    };
    const viaJson = (await (
      await api.app.request('/v1/predict?topK=3', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ images: images.map((i) => Buffer.from(i.bytes).toString('base64')) }),
      })
    ).json()) as { predictions: Prediction[] };
    const viaRaw = await Promise.all(
      images.map(
        async (image) =>
          ((await (await rawPost('/v1/predict?topK=3', image)).json()) as { predictions: Prediction[] })
            .predictions[0]!,
      ),
    );
    for (const served of [viaForm.predictions, viaJson.predictions, viaRaw]) {
      expect(served).toHaveLength(images.length);
      served.forEach((p, i) => {
        const want = expected[i]!;
        if (!want.ok) throw new Error(want.error.message);
        expect(p.label).toBe(want.label);
        expect(Math.abs(p.probability - want.probability)).toBeLessThan(1e-5);
        expect(p.top.map((t) => t.label)).toEqual(want.top.map((t) => t.label));
        p.top.forEach((t, j) =>
          expect(Math.abs(t.probability - want.top[j]!.probability)).toBeLessThan(1e-5),
        );
      });
    }
    expect(viaForm.predictions[1]!.image).toBe('image[1] (green-1.jpeg)');
    expect(viaJson.predictions[2]!.image).toBe('images[2]');
  });

  it('coalesces concurrent requests into shared backbone runs', async () => {
    const before = api.metrics.registry.render();
    const runsBefore = Number(/headstart_batch_size_count (\d+)/.exec(before)?.[1] ?? 0);
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => rawPost('/v1/predict', images[i % images.length]!)),
    );
    expect(responses.map((r) => r.status)).toEqual(new Array(12).fill(200));
    const runs =
      Number(/headstart_batch_size_count (\d+)/.exec(api.metrics.registry.render())?.[1]) - runsBefore;
    expect(runs).toBeLessThan(12);
    expect(runs).toBeGreaterThan(0);
  });

  it('caps topK at the number of labels and refuses a bad one', async () => {
    const res = await rawPost('/v1/predict?topK=50', images[0]!);
    expect(((await res.json()) as { predictions: Prediction[] }).predictions[0]!.top).toHaveLength(
      testBundle().labels.length,
    );
    const bad = await rawPost('/v1/predict?topK=zero', images[0]!);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: 'INVALID_OPTION', message: expect.stringContaining('topK "zero"') },
    });
  });
});

describe('POST /v1/embed', () => {
  it('returns the pooled feature vector of each image, as core embedImages does', async () => {
    const res = await api.app.request('/v1/embed', { method: 'POST', body: multipart(images.slice(0, 2)) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      dim: number;
      pooling: string;
      embeddings: { image: string; features: number[] }[];
    };
    const expected = await embedImages({
      model: cliModel,
      inputs: images
        .slice(0, 2)
        .map((image) => ({ id: image.name, content: { kind: 'encoded', bytes: image.bytes } })),
    });
    expect(body.pooling).toBe('avg');
    expect(body.embeddings).toHaveLength(2);
    body.embeddings.forEach((e, i) => {
      expect(e.features).toHaveLength(body.dim);
      expect(body.dim).toBe(expected.dim);
      e.features.forEach((v, j) =>
        expect(Math.abs(v - expected.features[i * expected.dim + j]!)).toBeLessThan(1e-4),
      );
    });
  });
});

describe('model and operations routes', () => {
  it('GET /v1/model describes the bundle from its manifest', async () => {
    const res = await api.app.request('/v1/model');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & {
      backbone: Record<string, unknown>;
      metrics: { validation: unknown };
    };
    expect(body.id).toBe(testBundle().id);
    expect(body.labels).toEqual(testBundle().labels);
    expect(body.backbone).toMatchObject({
      id: cliModel.manifest.backbone.id,
      sha256: cliModel.manifest.backbone.sha256,
      executionProvider: 'cpu',
    });
    expect(body.preprocess).toEqual(cliModel.manifest.preprocess);
    expect(body.metrics.validation).toBeDefined();
  });

  it('GET /healthz and /readyz', async () => {
    expect(await (await api.app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await api.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      model: testBundle().id,
      executionProvider: 'cpu',
      tfjsBackend: 'wasm',
      backbone: { sha256: cliModel.manifest.backbone.sha256, warm: true },
    });
  });

  it('GET /metrics speaks Prometheus text with requests, latency, batch sizes, queue depth and images/s', async () => {
    await rawPost('/v1/predict', images[0]!);
    await api.app.request('/nope');
    const res = await api.app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await res.text();
    expect(text).toMatch(
      /headstart_http_requests_total\{route="\/v1\/predict",method="POST",status="200"\} \d+/,
    );
    expect(text).toMatch(/headstart_http_requests_total\{route="unmatched",method="GET",status="404"\} 1/);
    expect(text).toMatch(
      /headstart_http_request_duration_seconds_bucket\{route="\/v1\/predict",le="\+Inf"\} \d+/,
    );
    expect(text).toMatch(/headstart_batch_size_bucket\{le="1"\} \d+/);
    expect(text).toMatch(/^headstart_queue_depth 0$/m);
    expect(Number(/^headstart_images_per_second (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it('GET /openapi.json describes every route', async () => {
    const doc = (await (await api.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([...API_ROUTES].sort());
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await api.app.request('/v2/predict', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});

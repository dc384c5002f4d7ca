import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportMergedModel } from '@headstart/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, testBundle, type TestApp } from './harness.ts';
import { syntheticPng } from './synthetic-bundle.ts';

interface Predictions {
  model: string;
  predictions: { label: string; probability: number; top: { label: string; probability: number }[] }[];
}

let root: string;
let merged: TestApp;
let bundle: TestApp;
const images: Uint8Array<ArrayBuffer>[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-api-merged-'));
  const out = join(root, 'onnx');
  await exportMergedModel({ dir: testBundle().dir, out, home: testBundle().home });
  merged = await openTestApp({ dir: out });
  bundle = await openTestApp();
  for (const [i, label] of ['red', 'green', 'blue'].entries())
    images.push(await syntheticPng({ label, index: 20 + i, size: 44 }));
});
afterAll(async () => {
  await merged?.close();
  await bundle?.close();
  await rm(root, { recursive: true, force: true });
});

function post(api: TestApp, path: string, body: Uint8Array<ArrayBuffer>) {
  return api.app.request(path, { method: 'POST', body, headers: { 'content-type': 'image/png' } });
}

describe('serving a merged ONNX graph (export --format onnx)', () => {
  it('answers /v1/predict as the bundle it came from does, within 1e-4', async () => {
    for (const image of images) {
      const fromGraph = (await (await post(merged, '/v1/predict?topK=3', image)).json()) as Predictions;
      const fromBundle = (await (await post(bundle, '/v1/predict?topK=3', image)).json()) as Predictions;
      expect(fromGraph.model).toBe(testBundle().id);
      const [g] = fromGraph.predictions;
      const [b] = fromBundle.predictions;
      expect(g?.label).toBe(b?.label);
      g?.top.forEach((entry, i) => {
        expect(entry.label).toBe(b?.top[i]?.label);
        expect(Math.abs(entry.probability - (b?.top[i]?.probability ?? NaN))).toBeLessThan(1e-4);
      });
    }
  });

  it('describes itself as merged in /v1/model, and says why /v1/embed cannot answer', async () => {
    const info = (await (await merged.app.request('/v1/model')).json()) as {
      id: string;
      merged: boolean;
      labels: string[];
      backbone: { source: string };
    };
    expect(info).toMatchObject({ id: testBundle().id, merged: true, labels: testBundle().labels });
    expect(info.backbone.source).toMatch(/merged graph/);
    expect(((await (await bundle.app.request('/v1/model')).json()) as { merged: boolean }).merged).toBe(
      false,
    );
    const res = await post(merged, '/v1/embed', images[0]!);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/merged ONNX graph.*class probabilities only/),
      },
    });
  });
});

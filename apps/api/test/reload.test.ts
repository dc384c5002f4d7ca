import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGate, openTestApp, testBundle, waitFor, type TestApp } from './harness.ts';
import { makeSyntheticBundle, syntheticPng } from './synthetic-bundle.ts';

let root: string;
let png: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-api-reload-'));
  png = await syntheticPng({ label: 'blue', index: 4 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function copyBundle(name: string): Promise<string> {
  const dir = join(root, name);
  await cp(testBundle().dir, dir, { recursive: true });
  return dir;
}

async function renameBundle(dir: string, id: string): Promise<void> {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as { id: string };
  await writeFile(path, JSON.stringify({ ...manifest, id }));
}

function predict(api: TestApp) {
  return api.app.request('/v1/predict', {
    method: 'POST',
    body: png,
    headers: { 'content-type': 'image/png' },
  });
}

async function modelOf(res: Response | Promise<Response>): Promise<string> {
  const r = await res;
  expect(r.status).toBe(200);
  return ((await r.json()) as { model: string }).model;
}

describe('POST /v1/model/reload', () => {
  it('swaps the bundle atomically: in-flight requests finish on the old one, the backbone session is kept', async () => {
    const dir = await copyBundle('same-backbone');
    // Hold single-image runs (requests), not the warm-up batch of a reload.
    const gate = createGate({ holds: (dims) => dims[0] === 1 });
    const api = await openTestApp({ dir, wrapSession: gate.wrap, values: { maxBatch: 8 } });
    try {
      const oldId = testBundle().id;
      gate.shut();
      const runs = gate.runs;
      const inFlight = predict(api);
      await waitFor(() => gate.runs > runs);
      await renameBundle(dir, 'colours-v2');
      const reload = await api.app.request('/v1/model/reload', { method: 'POST' });
      expect(reload.status).toBe(200);
      expect(await reload.json()).toMatchObject({
        reloaded: true,
        previous: oldId,
        model: 'colours-v2',
        backboneReused: true,
      });
      expect(api.holder.current?.id).toBe('colours-v2');
      // The old model is still leased by the request in flight; it answers with the old bundle.
      gate.open();
      expect(await modelOf(inFlight)).toBe(oldId);
      expect(await modelOf(predict(api))).toBe('colours-v2');
      expect(gate.sessions).toBe(1);
      await api.app.request('/v1/model/reload', { method: 'POST' });
      const ready = (await (await api.app.request('/readyz')).json()) as { model: string };
      expect(ready.model).toBe('colours-v2');
    } finally {
      gate.open();
      await api.close();
    }
  });

  it('keeps a replaced model alive for a request that began on it but has not reached the backbone yet', async () => {
    const dir = await copyBundle('leased');
    let hold = false;
    let held = 0;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const decodeLimiter = {
      async run<T>(task: () => Promise<T>): Promise<T> {
        if (hold) {
          held++;
          await released;
        }
        return task();
      },
    };
    const api = await openTestApp({ dir, decodeLimiter });
    try {
      hold = true;
      const inFlight = predict(api);
      await waitFor(() => held === 1);
      hold = false;
      await renameBundle(dir, 'colours-v3');
      expect((await api.app.request('/v1/model/reload', { method: 'POST' })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      release();
      expect(await modelOf(inFlight)).toBe(testBundle().id);
      expect(await modelOf(predict(api))).toBe('colours-v3');
    } finally {
      release();
      await api.close();
    }
  });

  it('opens a new backbone session when the backbone changed', async () => {
    const dir = await copyBundle('new-backbone');
    const gate = createGate();
    const api = await openTestApp({ dir, wrapSession: gate.wrap });
    try {
      const before = (await (await api.app.request('/v1/model')).json()) as { backbone: { sha256: string } };
      await rm(dir, { recursive: true });
      await makeSyntheticBundle({
        dir,
        home: testBundle().home,
        arch: 'vgg11-micro',
        perClass: 2,
        epochs: 1,
        seed: 3,
      });
      const reload = (await (await api.app.request('/v1/model/reload', { method: 'POST' })).json()) as {
        backboneReused: boolean;
      };
      expect(reload.backboneReused).toBe(false);
      expect(gate.sessions).toBe(2);
      const after = (await (await api.app.request('/v1/model')).json()) as {
        backbone: { sha256: string; arch: string };
      };
      expect(after.backbone.arch).toBe('vgg11-micro');
      expect(after.backbone.sha256).not.toBe(before.backbone.sha256);
      expect((await predict(api)).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('keeps serving the old bundle when the new one is broken', async () => {
    const dir = await copyBundle('broken');
    const api = await openTestApp({ dir });
    try {
      await writeFile(join(dir, 'manifest.json'), '{ "schemaVersion": 1, "id": ');
      const res = await api.app.request('/v1/model/reload', { method: 'POST' });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BUNDLE_INVALID');
      expect(body.error.message).not.toMatch(/\n\s+at /);
      expect(await modelOf(predict(api))).toBe(testBundle().id);
      expect((await api.app.request('/readyz')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGate, openTestApp, pixelBombPng, waitFor, type TestApp } from './harness.ts';
import { syntheticPng } from './synthetic-bundle.ts';

interface ErrorJson {
  error: { code: string; message: string };
}

let api: TestApp;
let png: Uint8Array<ArrayBuffer>;
let jpeg: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  api = await openTestApp({ values: { maxBodyBytes: '64kb', maxImages: 4, maxPixels: 1_000_000 } });
  png = await syntheticPng({ label: 'red', index: 1 });
  jpeg = await syntheticPng({ label: 'blue', index: 2, format: 'jpeg' });
});
afterAll(() => api.close());

function post(body: BodyInit, type?: string, path = '/v1/predict') {
  return api.app.request(path, {
    method: 'POST',
    body,
    ...(type ? { headers: { 'content-type': type } } : {}),
  });
}

async function expectError(
  res: Response,
  status: number,
  code: string,
  message?: RegExp,
): Promise<ErrorJson> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as ErrorJson;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
  // Never a stack trace.
  expect(body.error.message).not.toMatch(/\n\s+at |\.ts:\d+/);
  return body;
}

async function expectStillServing(): Promise<void> {
  const res = await post(png, 'image/png');
  expect(res.status).toBe(200);
}

describe('request limits and bad input', () => {
  it('413 for a body over the limit, by Content-Length and when streamed', async () => {
    const big = new Uint8Array(65 * 1024);
    await expectError(
      await api.app.request('/v1/predict', {
        method: 'POST',
        body: big,
        headers: { 'content-type': 'image/png', 'content-length': String(big.length) },
      }),
      413,
      'PAYLOAD_TOO_LARGE',
      /65,536 bytes/,
    );
    await expectError(await post(big, 'image/png'), 413, 'PAYLOAD_TOO_LARGE');
    await expectStillServing();
  });

  it('413 for more images in one request than allowed', async () => {
    const form = new FormData();
    for (let i = 0; i < 5; i++) form.append('image', new Blob([png], { type: 'image/png' }), `${i}.png`);
    await expectError(await post(form), 413, 'PAYLOAD_TOO_LARGE', /5 images; the limit is 4/);
    const json = JSON.stringify({ images: new Array(1000).fill('AAAA') });
    await expectError(await post(json, 'application/json'), 413, 'PAYLOAD_TOO_LARGE', /1,000 images/);
    await expectStillServing();
  });

  it('413 for a pixel bomb, refused from its header before decoding', async () => {
    const bomb = pixelBombPng({ width: 20_000, height: 20_000 });
    expect(bomb.length).toBeLessThan(20_000);
    const started = Date.now();
    await expectError(
      await post(bomb, 'image/png'),
      413,
      'IMAGE_TOO_LARGE',
      /20000×20000 \(400,000,000 pixels\); the limit is 1,000,000/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    await expectStillServing();
  });

  it('415 for an unsupported content type or image format', async () => {
    await expectError(await post('hello', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE', /"text\/plain"/);
    await expectError(await post(png), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    const form = new FormData();
    form.append('image', new Blob([svg], { type: 'image/svg+xml' }), 'x.svg');
    await expectError(await post(form), 415, 'UNSUPPORTED_MEDIA_TYPE', /svg/);
    await expectStillServing();
  });

  it('400 naming the image for corrupt, truncated or empty images', async () => {
    await expectError(
      await post(png.slice(0, png.length / 2), 'image/png'),
      400,
      'IMAGE_DECODE_FAILED',
      /"image"/,
    );
    await expectError(
      await post(jpeg.slice(0, jpeg.length / 2), 'image/jpeg'),
      400,
      'IMAGE_DECODE_FAILED',
      /"image"/,
    );
    await expectError(await post(new Uint8Array(0), 'image/png'), 400, 'IMAGE_DECODE_FAILED', /empty/);
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'good.png');
    form.append('image', new Blob([png.slice(0, 100)], { type: 'image/png' }), 'cut.png');
    await expectError(await post(form), 400, 'IMAGE_DECODE_FAILED', /image\[1\] \(cut\.png\)/);
    await expectStillServing();
  });

  it('400 for base64 garbage, bad JSON and missing images', async () => {
    const good = Buffer.from(png).toString('base64');
    await expectError(
      await post(JSON.stringify({ images: [good, '%%% not base64 %%%'] }), 'application/json'),
      400,
      'IMAGE_DECODE_FAILED',
      /images\[1\].*not valid base64/,
    );
    await expectError(
      await post(JSON.stringify({ images: [good, 'AAAAAAAA'] }), 'application/json'),
      400,
      'IMAGE_DECODE_FAILED',
      /images\[1\]/,
    );
    await expectError(
      await post('{"images": [', 'application/json'),
      400,
      'INVALID_OPTION',
      /not valid JSON/,
    );
    await expectError(
      await post('{"pictures": []}', 'application/json'),
      400,
      'INVALID_OPTION',
      /"images" array/,
    );
    await expectError(await post('{"images": []}', 'application/json'), 400, 'INVALID_OPTION', /no images/);
    await expectError(
      await post(JSON.stringify({ images: [42] }), 'application/json'),
      400,
      'INVALID_OPTION',
      /images\[0\] is number/,
    );
    // A data: URL is accepted, as a browser's FileReader gives it.
    expect(
      (await post(JSON.stringify({ images: [`data:image/png;base64,${good}`] }), 'application/json')).status,
    ).toBe(200);
  });

  it('the same limits hold on /v1/embed', async () => {
    await expectError(await post('hello', 'text/plain', '/v1/embed'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(
      await post(pixelBombPng({ width: 20_000, height: 20_000 }), 'image/png', '/v1/embed'),
      413,
      'IMAGE_TOO_LARGE',
    );
  });
});

describe('overload', () => {
  it('503 with Retry-After when the queue is full, then serves again', async () => {
    const gate = createGate();
    const small = await openTestApp({
      values: { maxQueue: 2, maxImages: 2, maxBatch: 1, maxDelayMs: 0 },
      wrapSession: gate.wrap,
    });
    try {
      gate.shut();
      const runsBefore = gate.runs;
      const request = (body: BodyInit, type?: string) =>
        small.app.request('/v1/predict', {
          method: 'POST',
          body,
          ...(type ? { headers: { 'content-type': type } } : {}),
        });
      const pair = () => {
        const form = new FormData();
        form.append('image', new Blob([png], { type: 'image/png' }), 'a.png');
        form.append('image', new Blob([png], { type: 'image/png' }), 'b.png');
        return form;
      };
      const running = request(png, 'image/png');
      await waitFor(() => gate.runs === runsBefore + 1);
      // Two runs go to the backbone at once (the second only when full), so one of these two waits.
      const queued = request(pair());
      await waitFor(() => gate.runs === runsBefore + 2 && small.holder.queueDepth() === 1);
      const refused = await request(pair());
      expect(refused.headers.get('retry-after')).toBe('1');
      await expectError(refused, 503, 'QUEUE_FULL', /holds 1 of at most 2 images; 2 more do not fit/);
      gate.open();
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
      expect((await request(png, 'image/png')).status).toBe(200);
    } finally {
      gate.open();
      await small.close();
    }
  });

  it('504 when a request misses its deadline, then serves again', async () => {
    const gate = createGate();
    const slow = await openTestApp({ values: { timeoutMs: 150 }, wrapSession: gate.wrap });
    try {
      gate.shut();
      const res = await slow.app.request('/v1/predict', {
        method: 'POST',
        body: png,
        headers: { 'content-type': 'image/png' },
      });
      await expectError(res, 504, 'TIMEOUT', /within 150 ms/);
      gate.open();
      const ok = await slow.app.request('/v1/predict', {
        method: 'POST',
        body: png,
        headers: { 'content-type': 'image/png' },
      });
      expect(ok.status).toBe(200);
    } finally {
      gate.open();
      await slow.close();
    }
  });

  it('500 without internals when the backbone fails, then serves again', async () => {
    let fail = false;
    const flaky = await openTestApp({
      wrapSession: (session) => ({
        executionProvider: session.executionProvider,
        run: (input, dims) =>
          fail
            ? Promise.reject(new TypeError('cannot read properties of undefined'))
            : session.run(input, dims),
        dispose: () => session.dispose(),
      }),
    });
    try {
      fail = true;
      const res = await flaky.app.request('/v1/predict', {
        method: 'POST',
        body: png,
        headers: { 'content-type': 'image/png' },
      });
      const body = await expectError(res, 500, 'INTERNAL');
      expect(body.error.message).not.toMatch(/undefined/);
      fail = false;
      const ok = await flaky.app.request('/v1/predict', {
        method: 'POST',
        body: png,
        headers: { 'content-type': 'image/png' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await flaky.close();
    }
  });
});

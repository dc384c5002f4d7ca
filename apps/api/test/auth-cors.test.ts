import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../src/app.ts';
import { openTestApp, type TestApp } from './harness.ts';
import { syntheticPng } from './synthetic-bundle.ts';

const KEY = 's3cret-key';
let secured: TestApp;
let open: TestApp;
let png: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  secured = await openTestApp({ values: { apiKey: KEY, corsOrigins: 'https://app.example' } });
  open = await openTestApp();
  png = await syntheticPng({ label: 'green', index: 3 });
});
afterAll(async () => {
  await secured.close();
  await open.close();
});

function methodOf(route: string): string {
  return route.startsWith('/v1/') && route !== '/v1/model' ? 'POST' : 'GET';
}

describe('bearer-token auth', () => {
  it('answers 401 on every route but /healthz without a valid token', async () => {
    for (const route of API_ROUTES) {
      for (const authorization of [undefined, 'Bearer wrong', 'Basic czNjcmV0LWtleQ==', `Bearer ${KEY}x`]) {
        const res = await secured.app.request(route, {
          method: methodOf(route),
          headers: authorization ? { authorization } : {},
        });
        if (route === '/healthz') {
          expect(res.status).toBe(200);
          continue;
        }
        expect(res.status, `${route} with ${authorization}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      }
    }
  });

  it('serves a request with the right token', async () => {
    const res = await secured.app.request('/v1/predict', {
      method: 'POST',
      body: png,
      headers: { 'content-type': 'image/png', authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(200);
    expect(
      (await secured.app.request('/readyz', { headers: { authorization: `bearer ${KEY}` } })).status,
    ).toBe(200);
  });

  it('needs no token when no key is configured', async () => {
    expect((await open.app.request('/v1/model')).status).toBe(200);
  });
});

describe('CORS', () => {
  it('is off by default', async () => {
    const res = await open.app.request('/healthz', { headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await open.app.request('/v1/predict', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the configured origins, preflight included, without a token', async () => {
    const preflight = await secured.app.request('/v1/predict', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const res = await secured.app.request('/v1/model', {
      headers: { origin: 'https://app.example', authorization: `Bearer ${KEY}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    // Errors carry the header too, so a page can read them.
    const denied = await secured.app.request('/v1/model', { headers: { origin: 'https://app.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await secured.app.request('/healthz', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

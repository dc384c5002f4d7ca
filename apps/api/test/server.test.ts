import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApiConfig } from '../src/config.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { createGate, testBundle, waitFor } from './harness.ts';
import { syntheticPng } from './synthetic-bundle.ts';

const HOST = '127.0.0.1';
let png: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  png = await syntheticPng({ label: 'red', index: 6 });
});

function predict(url: string) {
  return fetch(`${url}/v1/predict`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } });
}

describe('a real server on loopback', () => {
  const gate = createGate({ holds: (dims) => dims[0] === 1 });
  const lines: string[] = [];
  let server: RunningServer;

  beforeAll(async () => {
    const config = resolveApiConfig({
      values: { model: testBundle().dir, home: testBundle().home, host: HOST, port: 0, threads: 1 },
    });
    server = await startServer({
      config,
      log: (line) => lines.push(line),
      wrapSession: gate.wrap,
      handleSignals: true,
    });
  });
  afterAll(async () => {
    gate.open();
    await server.close();
  });

  it('starts, warms up, reports ready, and predicts', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.some((l) => l.startsWith('ready:'))).toBe(true);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      status: string;
      executionProvider: string;
    };
    expect(ready).toMatchObject({ status: 'ready', executionProvider: 'cpu' });
    const res = await predict(server.url);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string }).model).toBe(testBundle().id);
  });

  it('answers /healthz at once while the backbone is busy', async () => {
    gate.shut();
    const runs = gate.runs;
    const busy = Array.from({ length: 8 }, () => predict(server.url));
    await waitFor(() => gate.runs > runs);
    const started = performance.now();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    gate.open();
    expect((await Promise.all(busy)).map((r) => r.status)).toEqual(new Array(8).fill(200));
  });

  it('reloads on SIGHUP', async () => {
    const count = lines.length;
    process.emit('SIGHUP', 'SIGHUP');
    await waitFor(() => lines.slice(count).some((l) => l.startsWith('SIGHUP: reloaded')));
    expect(lines.slice(count).join('\n')).toMatch(/backbone reused/);
    expect((await predict(server.url)).status).toBe(200);
  });

  it('on close stops accepting, finishes the requests in flight, then frees the model', async () => {
    gate.shut();
    const runs = gate.runs;
    const inFlight = predict(server.url);
    await waitFor(() => gate.runs > runs);
    const closed = server.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    gate.open();
    const res = await inFlight;
    expect(res.status).toBe(200);
    await closed;
    expect(server.holder.status).toBe('closed');
  });
});

describe('the pnpm api process', () => {
  it('serves, and on SIGTERM finishes the request in flight and exits 0', async () => {
    const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', bin, '--model', testBundle().dir, '--port', '0', '--host', HOST, '--threads', '1'],
      {
        env: { ...process.env, HEADSTART_HOME: testBundle().home, HEADSTART_OFFLINE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /ready:/.test(stderr), 25_000);
      const url = /listening on (http:\/\/\S+);/.exec(stderr)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { port } = new URL(url!);
      // Send half the body, signal, then the rest: the request is in flight when SIGTERM arrives.
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: HOST,
            port,
            method: 'POST',
            path: '/v1/predict',
            headers: { 'content-type': 'image/png', 'content-length': png.length },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.write(png.subarray(0, 100));
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(png.subarray(100)), 100);
        }, 100);
      });
      const res = await response;
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ model: testBundle().id });
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/SIGTERM: finishing in-flight requests/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});

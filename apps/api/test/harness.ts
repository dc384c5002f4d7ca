import { deflateSync } from 'node:zlib';
import type { BackboneSession } from '@headstart/core';
import { ensureTfjs } from '@headstart/core/node';
import type { Hono } from 'hono';
import { inject } from 'vitest';
import type { ApiMetrics } from '../src/api-metrics.ts';
import { resolveApiConfig, type ApiConfig, type ApiConfigInput } from '../src/config.ts';
import { createApi } from '../src/create-api.ts';
import type { Limiter } from '../src/limiter.ts';
import type { ModelHolder } from '../src/model-holder.ts';

export interface TestApp {
  app: Hono;
  holder: ModelHolder;
  metrics: ApiMetrics;
  config: ApiConfig;
  close(): Promise<void>;
}

/** The shared test bundle (see global-setup.ts). */
export function testBundle() {
  return inject('bundle');
}

/**
 * The API over the shared test bundle, as startServer wires it but without a socket: drive it with
 * `app.request()`. `values` override the config; `dir` serves another bundle.
 */
export async function openTestApp(
  options: {
    values?: ApiConfigInput;
    dir?: string;
    wrapSession?: (session: BackboneSession) => BackboneSession;
    decodeLimiter?: Limiter;
  } = {},
): Promise<TestApp> {
  const bundle = testBundle();
  await ensureTfjs({ backend: 'wasm' });
  const config = resolveApiConfig({
    values: { model: options.dir ?? bundle.dir, home: bundle.home, threads: 1, ...options.values },
  });
  const { app, holder, metrics } = createApi({
    config,
    tfjsBackend: 'wasm',
    version: 'test',
    ...(options.wrapSession ? { wrapSession: options.wrapSession } : {}),
    ...(options.decodeLimiter ? { decodeLimiter: options.decodeLimiter } : {}),
  });
  await holder.start();
  return { app, holder, metrics, config, close: () => holder.close() };
}

/**
 * A switch in front of a backbone session: while shut, runs wait until it is opened again. `holds`
 * picks the runs the gate applies to (default: all), by their input dims.
 */
export function createGate(options: { holds?: (dims: readonly number[]) => boolean } = {}) {
  let open = true;
  let sessions = 0;
  let waiters: (() => void)[] = [];
  let runs = 0;
  return {
    wrap(session: BackboneSession): BackboneSession {
      sessions++;
      return {
        executionProvider: session.executionProvider,
        async run(input, dims) {
          runs++;
          while (!open && (options.holds?.(dims) ?? true))
            await new Promise<void>((resolve) => waiters.push(resolve));
          return session.run(input, dims);
        },
        dispose: () => session.dispose(),
      };
    },
    shut() {
      open = false;
    },
    open() {
      open = true;
      const w = waiters;
      waiters = [];
      for (const wake of w) wake();
    },
    get runs() {
      return runs;
    },
    /** Sessions opened through this gate. */
    get sessions() {
      return sessions;
    },
  };
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG whose header declares `width`×`height` pixels but whose data is a few kilobytes: a decompression
 * bomb that must be refused from its header, before any decoding.
 */
export function pixelBombPng(options: { width: number; height: number }): Uint8Array<ArrayBuffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(options.width, 0);
  ihdr.writeUInt32BE(options.height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const rows = deflateSync(Buffer.alloc(64 * (1 + options.width * 3)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', new Uint8Array(0))]),
  );
}

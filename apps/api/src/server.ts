import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { HeadstartError, type BackboneSession } from '@headstart/core';
import { ensureTfjs, type InitTfjsResult } from '@headstart/core/node';
import type { Hono } from 'hono';
import packageJson from '../package.json' with { type: 'json' };
import type { ApiMetrics } from './api-metrics.ts';
import type { ApiConfig } from './config.ts';
import { createApi } from './create-api.ts';
import type { ModelHolder } from './model-holder.ts';

export interface StartServerOptions {
  config: ApiConfig;
  /** Where progress lines and server-side error details go (default: nowhere). */
  log?: (line: string) => void;
  /**
   * Handle SIGTERM and SIGINT (stop accepting, finish in-flight requests, exit 0) and SIGHUP (reload the
   * bundle). For entry points; off by default so tests and embedders keep their own signal handling.
   */
  handleSignals?: boolean;
  /** Wraps each backbone session opened (a test seam). */
  wrapSession?: (session: BackboneSession) => BackboneSession;
}

/** A started server. */
export interface RunningServer {
  url: string;
  port: number;
  app: Hono;
  holder: ModelHolder;
  metrics: ApiMetrics;
  tfjs: InitTfjsResult;
  /** Stops accepting connections, finishes in-flight requests, then frees the model. Idempotent. */
  close(): Promise<void>;
}

async function listen(server: Server, config: ApiConfig): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${error.code ?? error.message})`;
      reject(
        new HeadstartError(
          'INVALID_OPTION',
          `Address ${config.host}:${config.port} ${reason}; choose another --port or --host.`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts the API: picks the tf.js backend, listens with @hono/node-server (so /healthz answers at once
 * and /readyz says "loading"), loads the bundle and warms its backbone with one dummy batch, and resolves
 * once it is ready. A bundle that cannot be loaded closes the server and rejects.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const log = options.log ?? (() => undefined);
  const tfjs = await ensureTfjs({ backend: config.tfjsBackend });
  const { app, holder, metrics } = createApi({
    config,
    tfjsBackend: tfjs.backend,
    version: packageJson.version,
    log,
    ...(options.wrapSession ? { wrapSession: options.wrapSession } : {}),
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
  const address = await listen(server, config);
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log(`listening on ${url}; loading ${config.model}`);

  let closing: Promise<void> | undefined;
  const signalHandlers: [NodeJS.Signals, () => void][] = [];
  const close = () => {
    closing ??= (async () => {
      for (const [signal, handler] of signalHandlers) process.off(signal, handler);
      holder.stopping();
      await new Promise<void>((resolve) => {
        // Idle keep-alive connections are closed as soon as their request is answered.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const force = setTimeout(() => server.closeAllConnections(), config.timeoutMs + 5000);
        force.unref();
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      await holder.close();
    })();
    return closing;
  };

  let ready;
  try {
    ready = await holder.start();
  } catch (error) {
    await close();
    throw error;
  }
  log(
    `ready: ${ready.id} on ${ready.backbone.spec.id} (${ready.backbone.session.executionProvider}, ${config.threads} ORT thread${config.threads === 1 ? '' : 's'}), ${ready.model.head ? `head on tf.js ${tfjs.note}` : 'merged graph (head inside, no tf.js)'}; ` +
      `batching ${config.maxBatch > 1 ? `up to ${config.maxBatch} images, ${config.maxDelayMs} ms delay` : 'off'}`,
  );

  if (options.handleSignals) {
    const stop = (signal: NodeJS.Signals) => () => {
      log(`${signal}: finishing in-flight requests, then exiting`);
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          log(`shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    };
    const reload = () => {
      holder.reload().then(
        (r) =>
          log(
            `SIGHUP: reloaded ${r.model} (backbone ${r.backboneReused ? 'reused' : 'reopened'}) in ${r.durationMs} ms`,
          ),
        (error: unknown) =>
          log(`SIGHUP: reload failed, still serving the old model: ${(error as Error).message}`),
      );
    };
    signalHandlers.push(['SIGTERM', stop('SIGTERM')], ['SIGINT', stop('SIGINT')], ['SIGHUP', reload]);
    for (const [signal, handler] of signalHandlers) process.on(signal, handler);
  }
  return { url, port: address.port, app, holder, metrics, tfjs, close };
}

import type { Command } from 'commander';
import { resolveApiConfig, startServer } from '@headstart/api';
import { note, type CliContext } from '../context.ts';

export interface ServeFlags {
  model?: string;
  port?: string;
  host?: string;
  device?: string;
  threads?: string;
  maxBatch?: string;
  maxDelayMs?: string;
  maxQueue?: string;
  timeoutMs?: string;
  maxBodyBytes?: string;
  maxImages?: string;
  maxPixels?: string;
  cors?: string;
}

/** `headstart serve`: the prediction API over a bundle, exactly as `pnpm api` starts it. */
export async function runServe(ctx: CliContext, flags: ServeFlags): Promise<void> {
  const { cors, ...rest } = flags;
  const values = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const config = resolveApiConfig({
    values: { ...values, ...(cors ? { corsOrigins: cors } : {}) },
    env: ctx.env,
  });
  await startServer({ config, log: (line) => note(ctx, line), handleSignals: true });
}

/** Registers `headstart serve`. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve a bundle over HTTP (the Hono prediction API; also `pnpm api`)')
    .option('--model <bundle>', 'bundle directory (or HEADSTART_MODEL)')
    .option('--port <n>', 'port (default 8080, or PORT)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--device <device>', 'cpu, cuda or webgpu')
    .option('--threads <n>', 'ONNX Runtime threads')
    .option('--max-batch <n>', 'most images per backbone run; 1 turns dynamic batching off')
    .option('--max-delay-ms <ms>', 'how long a partial batch waits for more images')
    .option('--max-queue <n>', 'most images waiting; beyond it 503')
    .option('--timeout-ms <ms>', 'per-request deadline (504)')
    .option('--max-body-bytes <n>', 'largest request body (413)')
    .option('--max-images <n>', 'most images per request (413)')
    .option('--max-pixels <n>', 'largest decoded image in pixels (413, refused before decoding)')
    .option('--cors <origins>', 'comma-separated origins allowed by CORS, or *')
    .action(async (flags: ServeFlags) => {
      await runServe(ctx, flags);
    });
}

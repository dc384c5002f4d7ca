import { parseArgs } from 'node:util';
import { HeadstartError } from '@headstart/core';
import { API_ENV_VARS, DEFAULT_API_CONFIG, type ApiConfig, type ApiConfigInput } from './config.ts';

/** Flag name for each setting. */
const FLAGS = {
  model: 'model',
  port: 'port',
  host: 'host',
  device: 'device',
  threads: 'threads',
  tfjsBackend: 'tfjs-backend',
  maxBatch: 'max-batch',
  maxDelayMs: 'max-delay-ms',
  maxQueue: 'max-queue',
  timeoutMs: 'timeout-ms',
  maxBodyBytes: 'max-body',
  maxImages: 'max-images',
  maxPixels: 'max-pixels',
  apiKey: 'api-key',
  corsOrigins: 'cors',
  home: 'home',
} as const satisfies Record<keyof ApiConfig, string>;

const DESCRIPTIONS: Record<keyof ApiConfig, string> = {
  model: 'model bundle directory (required)',
  port: 'port to listen on (0: any free one)',
  host: 'address to listen on',
  device: 'backbone device: cpu, cuda or webgpu',
  threads: 'ONNX Runtime threads (default: every core)',
  tfjsBackend: 'head backend: auto, wasm, cpu or tfjs-node',
  maxBatch: 'most images per backbone run; 1 turns batching off',
  maxDelayMs: 'how long a partial batch waits for more images',
  maxQueue: 'most images waiting; beyond it 503',
  timeoutMs: 'per-request deadline; beyond it 504',
  maxBodyBytes: 'largest body (bytes, or 512kb, 10mb); beyond it 413',
  maxImages: 'most images per request; beyond it 413',
  maxPixels: 'largest decoded image in pixels; beyond it 413',
  apiKey: 'require Authorization: Bearer <key> (prefer the env var)',
  corsOrigins: 'allowed CORS origins, comma-separated, or *',
  home: 'Headstart cache root (backbones)',
};

/** The usage text of `pnpm api`. */
export function apiUsage(): string {
  const defaults = DEFAULT_API_CONFIG as Partial<Record<keyof ApiConfig, unknown>>;
  const rows = (Object.keys(FLAGS) as (keyof ApiConfig)[]).map((key) => {
    const flag = `--${FLAGS[key]} <value>`.padEnd(26);
    const fallback = defaults[key];
    const shown = Array.isArray(fallback) ? (fallback.length > 0 ? fallback.join(',') : undefined) : fallback;
    return `  ${flag}${DESCRIPTIONS[key]}${shown !== undefined ? ` [${String(shown)}]` : ''}  (${API_ENV_VARS[key]})`;
  });
  return [
    'Usage: pnpm api --model <bundle> [options]',
    '',
    'Options (environment variable in brackets at the end):',
    ...rows,
    '  --help',
  ].join('\n');
}

/** Parses `pnpm api` flags into config values (validated later by resolveApiConfig). */
export function parseApiArgs(argv: string[]): { values: ApiConfigInput; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.values(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `${(error as Error).message.split('\n')[0]}; run with --help for the options.`,
    );
  }
  const values: ApiConfigInput = {};
  for (const [key, flag] of Object.entries(FLAGS) as [keyof ApiConfig, string][]) {
    const value = (parsed.values as Record<string, unknown>)[flag];
    if (typeof value === 'string') (values as Record<string, string>)[key] = value;
  }
  return { values, help: parsed.values.help === true };
}

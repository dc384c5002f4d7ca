import { DEVICES, HeadstartError, formatChoices, type Device } from '@headstart/core';
import { availableParallelism } from 'node:os';
import { TFJS_BACKEND_CHOICES, type TfjsBackendChoice } from '@headstart/core/node';

/** Everything the server needs to know, after defaults, environment and flags have been merged. */
export interface ApiConfig {
  /** The bundle directory to serve. */
  model: string;
  port: number;
  host: string;
  device: Device;
  /** ONNX Runtime intra-op threads (default: every core). */
  threads: number;
  tfjsBackend: TfjsBackendChoice;
  /** Most images in one backbone run; 1 turns dynamic batching off. */
  maxBatch: number;
  /** How long a partial batch waits for more images while the backbone is idle. */
  maxDelayMs: number;
  /** Most images waiting for the backbone; beyond it requests get 503. */
  maxQueue: number;
  /** Per-request deadline for inference, queueing included (504). */
  timeoutMs: number;
  /** Largest request body (413). */
  maxBodyBytes: number;
  /** Most images in one request (413). */
  maxImages: number;
  /** Largest decoded image, width × height (413, refused before decoding). */
  maxPixels: number;
  /** When set, every route but /healthz needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Origins allowed by CORS (`*` for any); none by default, which leaves CORS off. */
  corsOrigins: string[];
  /** Headstart's cache root, where backbones are found (default HEADSTART_HOME or ~/.cache/headstart). */
  home?: string;
}

/** Defaults of every optional setting. */
export const DEFAULT_API_CONFIG = {
  port: 8080,
  host: '127.0.0.1',
  device: 'cpu',
  tfjsBackend: 'auto',
  maxBatch: 32,
  maxDelayMs: 2,
  maxQueue: 256,
  timeoutMs: 30_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxImages: 64,
  maxPixels: 40_000_000,
  corsOrigins: [],
} as const satisfies Omit<ApiConfig, 'model' | 'threads'>;

/**
 * ONNX Runtime threads when none are asked for: every core, as `headstart extract` uses. On a host shared
 * with other busy processes, fewer (`--threads`) avoid ORT's threads and the event loop preempting each
 * other.
 */
export function defaultServingThreads(): number {
  return availableParallelism();
}

/** The environment variable read for each setting (flags win over them). */
export const API_ENV_VARS = {
  model: 'HEADSTART_MODEL',
  port: 'HEADSTART_API_PORT',
  host: 'HEADSTART_API_HOST',
  device: 'HEADSTART_DEVICE',
  threads: 'HEADSTART_THREADS',
  tfjsBackend: 'HEADSTART_TFJS_BACKEND',
  maxBatch: 'HEADSTART_API_MAX_BATCH',
  maxDelayMs: 'HEADSTART_API_MAX_DELAY_MS',
  maxQueue: 'HEADSTART_API_MAX_QUEUE',
  timeoutMs: 'HEADSTART_API_TIMEOUT_MS',
  maxBodyBytes: 'HEADSTART_API_MAX_BODY',
  maxImages: 'HEADSTART_API_MAX_IMAGES',
  maxPixels: 'HEADSTART_API_MAX_PIXELS',
  apiKey: 'HEADSTART_API_KEY',
  corsOrigins: 'HEADSTART_API_CORS',
  home: 'HEADSTART_HOME',
} as const satisfies Record<keyof ApiConfig, string>;

/** Settings as flags or variables give them: text, or values already typed. */
export type ApiConfigInput = { [K in keyof ApiConfig]?: ApiConfig[K] | string };

function invalid(name: string, value: unknown, allowed: string): HeadstartError {
  return new HeadstartError('INVALID_OPTION', `Invalid ${name} "${String(value)}"; use ${allowed}.`);
}

function wholeNumber(
  name: string,
  value: number | string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalid(
      name,
      value,
      `a whole number from ${min.toLocaleString('en-US')}${max < Number.MAX_SAFE_INTEGER ? ` to ${max.toLocaleString('en-US')}` : ' up'}`,
    );
  }
  return n;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

/** A byte count: `10485760`, `512kb`, `10mb` (binary units). */
function byteSize(name: string, value: number | string): number {
  if (typeof value === 'number') return wholeNumber(name, value, 1);
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isInteger(bytes) || bytes < 1)
    throw invalid(name, value, 'a size in bytes such as 10485760, 512kb or 10mb');
  return bytes;
}

function oneOf<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw invalid(name, value, formatChoices(choices));
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/**
 * Merges defaults, environment variables (API_ENV_VARS) and explicit values (flags, which win), then
 * validates the result. Every problem is INVALID_OPTION naming the setting and what it accepts.
 */
export function resolveApiConfig(options: { values?: ApiConfigInput; env?: NodeJS.ProcessEnv }): ApiConfig {
  const env = options.env ?? {};
  const values = options.values ?? {};
  const pick = (key: keyof ApiConfig): unknown => {
    const given = values[key];
    if (given !== undefined) return given;
    const fromEnv = env[API_ENV_VARS[key]];
    if (key === 'port' && fromEnv === undefined) return env.PORT;
    return fromEnv;
  };
  const str = (key: keyof ApiConfig): string | undefined => text(pick(key));
  const num = (key: keyof ApiConfig): number | string | undefined => {
    const v = pick(key);
    return typeof v === 'number' ? v : text(v);
  };

  const model = str('model');
  if (!model) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `No model bundle given; pass --model <dir> or set ${API_ENV_VARS.model}.`,
    );
  }
  const d = DEFAULT_API_CONFIG;
  const cors = pick('corsOrigins');
  const corsOrigins = Array.isArray(cors)
    ? cors.map(String)
    : (text(cors) ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '');
  const threads = num('threads');
  const apiKey = str('apiKey');
  const home = str('home');
  const config: ApiConfig = {
    model,
    port: wholeNumber('port', num('port') ?? d.port, 0, 65_535),
    host: str('host') ?? d.host,
    device: oneOf(
      'device',
      str('device') ?? d.device,
      DEVICES.filter((x) => x !== 'wasm'),
    ),
    threads: threads !== undefined ? wholeNumber('threads', threads, 1, 1024) : defaultServingThreads(),
    tfjsBackend: oneOf('tfjs backend', str('tfjsBackend') ?? d.tfjsBackend, TFJS_BACKEND_CHOICES),
    maxBatch: wholeNumber('max batch', num('maxBatch') ?? d.maxBatch, 1, 4096),
    maxDelayMs: wholeNumber('max delay (ms)', num('maxDelayMs') ?? d.maxDelayMs, 0, 60_000),
    maxQueue: wholeNumber('max queue', num('maxQueue') ?? d.maxQueue, 1),
    timeoutMs: wholeNumber('timeout (ms)', num('timeoutMs') ?? d.timeoutMs, 1),
    maxBodyBytes: byteSize('max body size', num('maxBodyBytes') ?? d.maxBodyBytes),
    maxImages: wholeNumber('max images', num('maxImages') ?? d.maxImages, 1),
    maxPixels: wholeNumber('max pixels', num('maxPixels') ?? d.maxPixels, 1),
    ...(apiKey ? { apiKey } : {}),
    corsOrigins,
    ...(home ? { home } : {}),
  };
  if (config.maxImages > config.maxQueue) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `max images ${config.maxImages} exceeds max queue ${config.maxQueue}: such a request could never be queued; raise the queue or lower max images.`,
    );
  }
  return config;
}

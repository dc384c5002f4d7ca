import { describe, expect, it } from 'vitest';
import { apiUsage, parseApiArgs } from './cli-args.ts';
import { DEFAULT_API_CONFIG, defaultServingThreads, resolveApiConfig } from './config.ts';

describe('resolveApiConfig', () => {
  it('applies defaults, then environment variables, then flags', () => {
    expect(resolveApiConfig({ values: { model: 'runs/m' } })).toEqual({
      ...DEFAULT_API_CONFIG,
      model: 'runs/m',
      corsOrigins: [],
      threads: defaultServingThreads(),
    });
    expect(resolveApiConfig({ values: { model: 'm', threads: '3' } }).threads).toBe(3);
    const env = {
      HEADSTART_MODEL: 'env-model',
      HEADSTART_API_PORT: '9000',
      HEADSTART_API_MAX_BATCH: '8',
      HEADSTART_API_MAX_BODY: '2mb',
      HEADSTART_API_KEY: 'k',
      HEADSTART_API_CORS: 'https://a.example, https://b.example',
    };
    const fromEnv = resolveApiConfig({ env });
    expect(fromEnv).toMatchObject({
      model: 'env-model',
      port: 9000,
      maxBatch: 8,
      maxBodyBytes: 2 * 1024 * 1024,
      apiKey: 'k',
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
    const flagged = resolveApiConfig({ env, values: { port: '0', maxBatch: 1, corsOrigins: '*' } });
    expect(flagged).toMatchObject({ model: 'env-model', port: 0, maxBatch: 1, corsOrigins: ['*'] });
    expect(resolveApiConfig({ env: { HEADSTART_MODEL: 'm', PORT: '3000' } }).port).toBe(3000);
  });

  it('names the bad setting and what it accepts', () => {
    expect(() => resolveApiConfig({})).toThrow(
      /No model bundle given; pass --model <dir> or set HEADSTART_MODEL/,
    );
    expect(() => resolveApiConfig({ values: { model: 'm', port: '80a' } })).toThrow(
      'Invalid port "80a"; use a whole number from 0 to 65,535.',
    );
    expect(() => resolveApiConfig({ values: { model: 'm', maxBatch: '0' } })).toThrow(
      /Invalid max batch "0"/,
    );
    expect(() => resolveApiConfig({ values: { model: 'm', maxBodyBytes: 'lots' } })).toThrow(/10mb/);
    expect(() => resolveApiConfig({ values: { model: 'm', device: 'tpu' } })).toThrow(
      'Invalid device "tpu"; use cpu, cuda or webgpu.',
    );
    expect(() => resolveApiConfig({ values: { model: 'm', maxImages: 500, maxQueue: 100 } })).toThrow(
      /max images 500 exceeds max queue 100/,
    );
  });
});

describe('parseApiArgs', () => {
  it('maps flags to settings', () => {
    const { values, help } = parseApiArgs([
      '--model',
      'b',
      '--port',
      '81',
      '--max-delay-ms',
      '4',
      '--cors',
      '*',
    ]);
    expect(help).toBe(false);
    expect(values).toEqual({ model: 'b', port: '81', maxDelayMs: '4', corsOrigins: '*' });
    expect(resolveApiConfig({ values })).toMatchObject({
      model: 'b',
      port: 81,
      maxDelayMs: 4,
      corsOrigins: ['*'],
    });
    expect(parseApiArgs(['--help']).help).toBe(true);
    expect(apiUsage()).toMatch(
      /--max-batch <value>\s+most images per backbone run; 1 turns batching off \[32\]\s+\(HEADSTART_API_MAX_BATCH\)/,
    );
  });

  it('refuses unknown flags', () => {
    expect(() => parseApiArgs(['--modle', 'x'])).toThrow(/--modle.*--help/);
  });
});

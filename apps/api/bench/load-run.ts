import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  imagesPerSecond: number;
  latencyMs: LatencySummary;
  /** Connection errors, timeouts and non-2xx responses. */
  errors: number;
  non2xx: number;
  timeouts: number;
  /** /healthz polled on its own connection throughout the run. */
  health: LatencySummary & { count: number; failures: number };
  /** Images per backbone run, from the server's own batch-size histogram. */
  meanBatchSize: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function summarise(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

/** Polls GET /healthz every `everyMs` on one keep-alive connection until stopped; latencies in ms. */
function pollHealth(url: string, everyMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const latencies: number[] = [];
  let failures = 0;
  let running = true;
  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request({ host: hostname, port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - t0);
          else failures++;
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end();
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return { ...summarise(latencies), count: latencies.length, failures };
    },
  };
}

async function meanBatchSize(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = Number(/^headstart_batch_size_sum (\S+)$/m.exec(text)?.[1]);
  const count = Number(/^headstart_batch_size_count (\S+)$/m.exec(text)?.[1]);
  return count > 0 ? Math.round((sum / count) * 100) / 100 : 0;
}

/**
 * `connections` clients each POST one raw PNG to /v1/predict back to back for `durationS` seconds
 * (autocannon), cycling through `images`, while /healthz is polled on a connection of its own.
 */
export async function loadRun(options: {
  url: string;
  images: readonly Uint8Array[];
  connections: number;
  durationS: number;
}): Promise<LoadResult> {
  const health = pollHealth(options.url, 20);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 30,
    requests: options.images.map((body) => ({
      method: 'POST' as const,
      path: '/v1/predict',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from(body),
    })),
  });
  const healthSummary = await health.stop();
  const requests = result.requests.total;
  const seconds = result.duration;
  return {
    connections: options.connections,
    durationS: options.durationS,
    requests,
    requestsPerSecond: Math.round((requests / seconds) * 10) / 10,
    // One image per request.
    imagesPerSecond: Math.round(((requests - result.non2xx) / seconds) * 10) / 10,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    health: healthSummary,
    meanBatchSize: await meanBatchSize(options.url),
  };
}

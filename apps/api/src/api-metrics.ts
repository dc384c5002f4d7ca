import type { BatchRunInfo } from '@headstart/core';
import { createRegistry, type Counter, type Registry } from './prometheus.ts';

const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** Seconds over which images/s is averaged. */
const RATE_WINDOW_S = 10;

/** The server's metrics, as `/metrics` exposes them. */
export interface ApiMetrics {
  registry: Registry;
  requests: Counter;
  recordRequest(info: { route: string; method: string; status: number; durationMs: number }): void;
  recordBatch(info: BatchRunInfo): void;
  /** Images answered by the inference routes. */
  recordImages(count: number): void;
  /** Images per second through the backbone over the last 10 s. */
  imagesPerSecond(): number;
  /** Marks a request started; call the function it returns when it has been answered. */
  startRequest(): () => void;
  inFlight(): number;
}

/** Creates the metric set; `queueDepth` is read at scrape time. */
export function createApiMetrics(options: { queueDepth: () => number; now?: () => number }): ApiMetrics {
  const now = options.now ?? (() => Date.now());
  let inFlight = 0;
  const registry = createRegistry();
  const requests = registry.counter({
    name: 'headstart_http_requests_total',
    help: 'HTTP requests answered, by route, method and status.',
  });
  const latency = registry.histogram({
    name: 'headstart_http_request_duration_seconds',
    help: 'Time from request to response, by route.',
    buckets: LATENCY_BUCKETS_S,
  });
  const batchSize = registry.histogram({
    name: 'headstart_batch_size',
    help: 'Images per backbone run (dynamic batching coalesces requests).',
    buckets: BATCH_BUCKETS,
  });
  const batchRun = registry.histogram({
    name: 'headstart_batch_run_seconds',
    help: 'Time of one batched backbone and head run.',
    buckets: LATENCY_BUCKETS_S,
  });
  const batchWait = registry.histogram({
    name: 'headstart_batch_wait_seconds',
    help: 'How long the oldest image of a batch waited in the queue.',
    buckets: LATENCY_BUCKETS_S,
  });
  const images = registry.counter({
    name: 'headstart_images_total',
    help: 'Images answered by /v1/predict and /v1/embed.',
  });
  const batchFailures = registry.counter({
    name: 'headstart_batch_failures_total',
    help: 'Backbone runs that failed.',
  });
  // Completed runs in the rate window: [time in ms, images].
  const recent: [number, number][] = [];
  const prune = () => {
    const since = now() - RATE_WINDOW_S * 1000;
    while (recent.length > 0 && (recent[0] as [number, number])[0] < since) recent.shift();
  };
  const imagesPerSecond = () => {
    prune();
    return recent.reduce((sum, [, n]) => sum + n, 0) / RATE_WINDOW_S;
  };
  registry.gauge({
    name: 'headstart_queue_depth',
    help: 'Images waiting for the backbone.',
    read: options.queueDepth,
  });
  registry.gauge({
    name: 'headstart_inflight_requests',
    help: 'Requests being handled.',
    read: () => inFlight,
  });
  registry.gauge({
    name: 'headstart_images_per_second',
    help: `Images per second through the backbone, averaged over the last ${RATE_WINDOW_S} s.`,
    read: imagesPerSecond,
  });
  registry.gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident set size of the server process.',
    read: () => process.memoryUsage.rss(),
  });
  return {
    registry,
    requests,
    recordRequest({ route, method, status, durationMs }) {
      requests.inc({ route, method, status: String(status) });
      latency.observe(durationMs / 1000, { route });
    },
    recordBatch(info) {
      batchSize.observe(info.size);
      batchRun.observe(info.runMs / 1000);
      batchWait.observe(info.waitMs / 1000);
      if (info.ok) recent.push([now(), info.size]);
      else batchFailures.inc();
      prune();
    },
    recordImages: (count) => images.inc({}, count),
    imagesPerSecond,
    startRequest() {
      inFlight++;
      let done = false;
      return () => {
        if (!done) inFlight--;
        done = true;
      };
    },
    inFlight: () => inFlight,
  };
}

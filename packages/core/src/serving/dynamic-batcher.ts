import { HeadstartError } from '../errors.ts';

/** What happened in one run of the batched function, for metrics. */
export interface BatchRunInfo {
  /** Items in the run. */
  size: number;
  /** Submissions the items came from. */
  submissions: number;
  /** How long the oldest item waited in the queue before the run started. */
  waitMs: number;
  runMs: number;
  /** False when the run threw (every submission in it was rejected). */
  ok: boolean;
}

export interface DynamicBatcherOptions<I, O> {
  /** Runs one batch; must resolve to one output per item, in order. */
  run: (items: I[]) => Promise<O[]>;
  /** Most items in one run. 1 turns batching off: every item runs alone. */
  maxBatch: number;
  /** How long the oldest queued item may wait for a fuller batch while the runner is idle. */
  maxDelayMs: number;
  /** Most items waiting (not yet running); a submission that would exceed it fails with QUEUE_FULL. */
  maxQueue: number;
  /** Per-submission deadline, queueing included (TIMEOUT). Default: none. */
  timeoutMs?: number;
  /**
   * Runs at once (default 1: the next batch gathers while one runs). Beyond the first, a run starts only
   * with a full batch, so a runner that queues work (a worker thread) is kept busy without shrinking batches.
   */
  concurrency?: number;
  onBatch?: (info: BatchRunInfo) => void;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

export interface SubmitOptions {
  /** Aborting removes the submission's queued items and rejects it with ABORTED. */
  signal?: AbortSignal;
}

/** Coalesces items from concurrent submissions into batched runs and splits the outputs back. */
export interface DynamicBatcher<I, O> {
  /** Queues `items` and resolves to their outputs, in order, once every one has run. */
  submit(items: readonly I[], options?: SubmitOptions): Promise<O[]>;
  /** Items waiting to run. */
  readonly queueDepth: number;
  /** Items in runs that have not finished. */
  readonly running: number;
  /** Resolves when nothing is queued or running. */
  drain(): Promise<void>;
}

interface Submission<O> {
  outputs: O[];
  remaining: number;
  settled: boolean;
  resolve: (outputs: O[]) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

interface QueuedItem<I, O> {
  item: I;
  index: number;
  owner: Submission<O>;
  enqueuedAt: number;
}

function checkWhole(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `${name} ${String(value)} is not valid; use a whole number ≥ ${min}.`,
    );
  }
}

/**
 * A dynamic batcher in the manner of Triton's: items from concurrent submissions are queued and run
 * together, up to `maxBatch` per run. While the runner is idle a partial batch waits at most
 * `maxDelayMs` for company; while it is busy, items gather and go in the next run. A full queue refuses
 * new work at once (QUEUE_FULL) rather than letting latency grow without bound.
 */
export function createDynamicBatcher<I, O>(options: DynamicBatcherOptions<I, O>): DynamicBatcher<I, O> {
  const { maxBatch, maxDelayMs, maxQueue } = options;
  const concurrency = options.concurrency ?? 1;
  const now = options.now ?? (() => Date.now());
  checkWhole('maxBatch', maxBatch, 1);
  checkWhole('maxQueue', maxQueue, 1);
  checkWhole('concurrency', concurrency, 1);
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new HeadstartError('INVALID_OPTION', `maxDelayMs ${maxDelayMs} is not valid; use a number ≥ 0.`);
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `timeoutMs ${options.timeoutMs} is not valid; use a number > 0.`,
    );
  }

  let queue: QueuedItem<I, O>[] = [];
  let runningItems = 0;
  let runningBatches = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idleWaiters: (() => void)[] = [];

  const settle = (owner: Submission<O>, error?: unknown) => {
    if (owner.settled) return;
    owner.settled = true;
    owner.cleanup();
    if (error === undefined) owner.resolve(owner.outputs);
    else owner.reject(error);
  };

  const dropQueued = (owner: Submission<O>) => {
    queue = queue.filter((q) => q.owner !== owner);
  };

  const notifyIdle = () => {
    if (queue.length > 0 || runningBatches > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const dispatch = (batch: QueuedItem<I, O>[]) => {
    runningBatches++;
    runningItems += batch.length;
    const startedAt = now();
    const waitMs = startedAt - (batch[0] as QueuedItem<I, O>).enqueuedAt;
    const owners = new Set(batch.map((q) => q.owner));
    void (async () => {
      let ok = true;
      try {
        const outputs = await options.run(batch.map((q) => q.item));
        if (!Array.isArray(outputs) || outputs.length !== batch.length) {
          throw new HeadstartError(
            'INTERNAL',
            `A batch of ${batch.length} items produced ${Array.isArray(outputs) ? outputs.length : 'no'} outputs.`,
          );
        }
        batch.forEach((q, i) => {
          if (q.owner.settled) return;
          q.owner.outputs[q.index] = outputs[i] as O;
          if (--q.owner.remaining === 0) settle(q.owner);
        });
      } catch (error) {
        ok = false;
        for (const owner of owners) {
          dropQueued(owner);
          settle(owner, error);
        }
      }
      runningBatches--;
      runningItems -= batch.length;
      schedule();
      notifyIdle();
      options.onBatch?.({
        size: batch.length,
        submissions: owners.size,
        waitMs,
        runMs: now() - startedAt,
        ok,
      });
    })();
  };

  function schedule(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (runningBatches < concurrency && queue.length > 0) {
      if (queue.length < maxBatch) {
        // A partial batch waits for an idle runner: overlapping runs must not cost batch size.
        if (runningBatches > 0) return;
        const waited = now() - (queue[0] as QueuedItem<I, O>).enqueuedAt;
        if (waited < maxDelayMs) {
          timer = setTimeout(schedule, maxDelayMs - waited);
          return;
        }
      }
      dispatch(queue.splice(0, maxBatch));
    }
  }

  return {
    get queueDepth() {
      return queue.length;
    },
    get running() {
      return runningItems;
    },
    submit(items, submitOptions = {}) {
      if (items.length === 0) return Promise.resolve([]);
      const { signal } = submitOptions;
      if (signal?.aborted) {
        return Promise.reject(
          new HeadstartError('ABORTED', 'The request was cancelled before it was queued.'),
        );
      }
      if (queue.length + items.length > maxQueue) {
        return Promise.reject(
          new HeadstartError(
            'QUEUE_FULL',
            `The queue holds ${queue.length} of at most ${maxQueue} images; ${items.length} more do not fit. Retry shortly.`,
          ),
        );
      }
      return new Promise<O[]>((resolve, reject) => {
        let deadline: ReturnType<typeof setTimeout> | undefined;
        const onAbort = () => {
          dropQueued(owner);
          settle(owner, new HeadstartError('ABORTED', 'The request was cancelled.'));
          schedule();
          notifyIdle();
        };
        const owner: Submission<O> = {
          outputs: new Array<O>(items.length),
          remaining: items.length,
          settled: false,
          resolve,
          reject,
          cleanup: () => {
            if (deadline !== undefined) clearTimeout(deadline);
            signal?.removeEventListener('abort', onAbort);
          },
        };
        if (options.timeoutMs !== undefined) {
          const timeoutMs = options.timeoutMs;
          deadline = setTimeout(() => {
            const queued = queue.filter((q) => q.owner === owner).length;
            dropQueued(owner);
            settle(
              owner,
              new HeadstartError(
                'TIMEOUT',
                `The request did not finish within ${timeoutMs} ms (${queued} of its ${items.length} images were still queued).`,
              ),
            );
            notifyIdle();
          }, timeoutMs);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        const enqueuedAt = now();
        items.forEach((item, index) => queue.push({ item, index, owner, enqueuedAt }));
        schedule();
      });
    },
    drain() {
      if (queue.length === 0 && runningBatches === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

import { describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { createDynamicBatcher, type BatchRunInfo } from './dynamic-batcher.ts';

/** A run function whose calls stay pending until released, recording the batches it was given. */
function gatedRun() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map((x) => x * 10);
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { batches, run, releaseAll };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isHeadstartError(error) ? error.code : error === undefined ? undefined : String(error);
}

describe('createDynamicBatcher', () => {
  it('coalesces concurrent submissions into one run and splits the outputs back in order', async () => {
    const runs: number[][] = [];
    const infos: BatchRunInfo[] = [];
    const batcher = createDynamicBatcher<number, number>({
      run: async (items) => (runs.push(items), items.map((x) => x + 100)),
      maxBatch: 8,
      maxDelayMs: 20,
      maxQueue: 64,
      onBatch: (info) => infos.push(info),
    });
    const results = await Promise.all([
      batcher.submit([1, 2]),
      batcher.submit([3]),
      batcher.submit([4, 5, 6]),
    ]);
    expect(results).toEqual([[101, 102], [103], [104, 105, 106]]);
    expect(runs).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(infos).toHaveLength(1);
    expect(infos[0]).toMatchObject({ size: 6, submissions: 3, ok: true });
    expect(infos[0]!.waitMs).toBeGreaterThanOrEqual(15);
  });

  it('runs a full batch at once without waiting for the delay', async () => {
    const runs: number[][] = [];
    const batcher = createDynamicBatcher<number, number>({
      run: async (items) => (runs.push(items), items),
      maxBatch: 3,
      maxDelayMs: 10_000,
      maxQueue: 64,
    });
    const started = Date.now();
    await Promise.all([batcher.submit([1, 2]), batcher.submit([3])]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('gathers items while a run is busy and sends them in the next run, never more than maxBatch', async () => {
    const gate = gatedRun();
    const batcher = createDynamicBatcher<number, number>({
      run: gate.run,
      maxBatch: 4,
      maxDelayMs: 0,
      maxQueue: 64,
    });
    const first = batcher.submit([1]);
    const rest = [batcher.submit([2, 3]), batcher.submit([4, 5, 6]), batcher.submit([7])];
    expect(gate.batches).toEqual([[1]]);
    expect(batcher.queueDepth).toBe(6);
    expect(batcher.running).toBe(1);
    await gate.releaseAll();
    expect(await first).toEqual([10]);
    expect(await Promise.all(rest)).toEqual([[20, 30], [40, 50, 60], [70]]);
    // One submission's items may span two runs; each run holds at most 4.
    expect(gate.batches).toEqual([[1], [2, 3, 4, 5], [6, 7]]);
  });

  it('with concurrency 2 overlaps a second run only when it is full', async () => {
    const gate = gatedRun();
    const batcher = createDynamicBatcher<number, number>({
      run: gate.run,
      maxBatch: 3,
      maxDelayMs: 0,
      maxQueue: 64,
      concurrency: 2,
    });
    const first = batcher.submit([1]);
    const partial = batcher.submit([2, 3]);
    // One run is busy and [2, 3] is not a full batch: it waits.
    expect(gate.batches).toEqual([[1]]);
    const more = batcher.submit([4, 5]);
    // Now a full batch of three is queued: it starts beside the first run.
    expect(gate.batches).toEqual([[1], [2, 3, 4]]);
    expect(batcher.running).toBe(4);
    await gate.releaseAll();
    expect(await Promise.all([first, partial, more])).toEqual([[10], [20, 30], [40, 50]]);
    expect(gate.batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('with maxBatch 1 runs every item alone', async () => {
    const runs: number[][] = [];
    const batcher = createDynamicBatcher<number, number>({
      run: async (items) => (runs.push(items), items),
      maxBatch: 1,
      maxDelayMs: 5,
      maxQueue: 64,
    });
    expect(await Promise.all([batcher.submit([1, 2]), batcher.submit([3])])).toEqual([[1, 2], [3]]);
    expect(runs).toEqual([[1], [2], [3]]);
  });

  it('refuses work beyond maxQueue with QUEUE_FULL and keeps serving', async () => {
    const gate = gatedRun();
    const batcher = createDynamicBatcher<number, number>({
      run: gate.run,
      maxBatch: 2,
      maxDelayMs: 0,
      maxQueue: 3,
    });
    const running = batcher.submit([1]);
    const queued = batcher.submit([2, 3, 4]);
    expect(await codeOf(batcher.submit([5]))).toBe('QUEUE_FULL');
    await gate.releaseAll();
    expect(await running).toEqual([10]);
    expect(await queued).toEqual([20, 30, 40]);
    const later = batcher.submit([6]);
    await gate.releaseAll();
    expect(await later).toEqual([60]);
  });

  it('times a submission out with TIMEOUT and drops its queued items', async () => {
    const gate = gatedRun();
    const batcher = createDynamicBatcher<number, number>({
      run: gate.run,
      maxBatch: 1,
      maxDelayMs: 0,
      maxQueue: 10,
      timeoutMs: 30,
    });
    const first = batcher.submit([1]);
    const second = batcher.submit([2, 3]);
    const [a, b] = await Promise.all([codeOf(first), codeOf(second)]);
    expect([a, b]).toEqual(['TIMEOUT', 'TIMEOUT']);
    expect(batcher.queueDepth).toBe(0);
    await gate.releaseAll();
    await batcher.drain();
    // Items 2 and 3 were dropped from the queue and never ran.
    expect(gate.batches).toEqual([[1]]);
  });

  it('cancels a submission on abort', async () => {
    const gate = gatedRun();
    const batcher = createDynamicBatcher<number, number>({
      run: gate.run,
      maxBatch: 4,
      maxDelayMs: 0,
      maxQueue: 10,
    });
    const first = batcher.submit([1]);
    const controller = new AbortController();
    const second = batcher.submit([2], { signal: controller.signal });
    controller.abort();
    expect(await codeOf(second)).toBe('ABORTED');
    expect(batcher.queueDepth).toBe(0);
    await gate.releaseAll();
    expect(await first).toEqual([10]);
    expect(gate.batches).toEqual([[1]]);
  });

  it('rejects every submission of a failed run and runs the next batch', async () => {
    let calls = 0;
    const batcher = createDynamicBatcher<number, number>({
      run: async (items) => {
        calls++;
        if (calls === 1) throw new Error('backbone crashed');
        return items;
      },
      maxBatch: 8,
      maxDelayMs: 5,
      maxQueue: 10,
    });
    const failed = await Promise.allSettled([batcher.submit([1]), batcher.submit([2])]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await batcher.submit([3])).toEqual([3]);
  });

  it('reports a run that returns the wrong number of outputs as INTERNAL', async () => {
    const batcher = createDynamicBatcher<number, number>({
      run: async () => [1],
      maxBatch: 8,
      maxDelayMs: 0,
      maxQueue: 10,
    });
    expect(await codeOf(batcher.submit([1, 2]))).toBe('INTERNAL');
  });

  it('drains: resolves once nothing is queued or running', async () => {
    const gate = gatedRun();
    const batcher = createDynamicBatcher<number, number>({
      run: gate.run,
      maxBatch: 1,
      maxDelayMs: 0,
      maxQueue: 10,
    });
    const work = Promise.all([batcher.submit([1]), batcher.submit([2])]);
    let drained = false;
    const drain = batcher.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(drained).toBe(false);
    await gate.releaseAll();
    await drain;
    expect(await work).toEqual([[10], [20]]);
    await batcher.drain();
  });

  it('validates its options', () => {
    const run = async (items: number[]) => items;
    expect(() => createDynamicBatcher({ run, maxBatch: 0, maxDelayMs: 0, maxQueue: 1 })).toThrow(
      /maxBatch 0/,
    );
    expect(() => createDynamicBatcher({ run, maxBatch: 1, maxDelayMs: -1, maxQueue: 1 })).toThrow(
      /maxDelayMs -1/,
    );
    expect(() =>
      createDynamicBatcher({ run, maxBatch: 1, maxDelayMs: 0, maxQueue: 1, timeoutMs: 0 }),
    ).toThrow(/timeoutMs/);
  });
});

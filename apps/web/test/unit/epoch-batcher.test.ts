import { describe, expect, it } from 'vitest';
import type { EpochRecord } from '@headstart/core/browser';
import { createEpochBatcher } from '../../src/worker/epoch-batcher.ts';

const record = (epoch: number): EpochRecord => ({
  epoch,
  loss: 1 / epoch,
  accuracy: 0.5,
  samplesPerSecond: 1000,
  durationMs: 1,
});

/** A batcher on a hand-driven clock that records the epochs of every batch it sends. */
function recordingBatcher(intervalMs: number) {
  let clock = 0;
  const batches: number[][] = [];
  const batcher = createEpochBatcher({
    send: (records) => batches.push(records.map((r) => r.epoch)),
    intervalMs,
    now: () => clock,
  });
  /** Adds epochs 1…count, `epochMs` apart, then flushes as the end of training does. */
  const train = (count: number, epochMs: number) => {
    for (let epoch = 1; epoch <= count; epoch++) {
      batcher.add(record(epoch));
      clock += epochMs;
    }
    batcher.flush();
  };
  return { batcher, batches, train };
}

describe('createEpochBatcher', () => {
  it('sends the first epoch at once, then at most one batch per interval, and every epoch in order', () => {
    const { batches, train } = recordingBatcher(100);
    // 1,000 epochs of 1 ms each: one message per epoch would be 1,000 messages in a second.
    train(1000, 1);
    expect(batches[0]).toEqual([1]);
    expect(batches.length).toBeLessThanOrEqual(12);
    expect(batches.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const batch of batches) expect(batch.length).toBeGreaterThan(0);
  });

  it('sends each slow epoch on its own, and a flush with nothing waiting sends nothing', () => {
    const { batcher, batches, train } = recordingBatcher(100);
    train(3, 250);
    batcher.flush();
    expect(batches).toEqual([[1], [2], [3]]);
  });
});

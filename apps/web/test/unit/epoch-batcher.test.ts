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

describe('createEpochBatcher', () => {
  it('sends the first epoch at once, then at most one batch per interval, and every epoch in order', () => {
    let clock = 0;
    const batches: number[][] = [];
    const batcher = createEpochBatcher({
      send: (records) => batches.push(records.map((r) => r.epoch)),
      intervalMs: 100,
      now: () => clock,
    });
    // 1,000 epochs of 1 ms each: one message per epoch would be 1,000 messages in a second.
    for (let epoch = 1; epoch <= 1000; epoch++) {
      batcher.add(record(epoch));
      clock += 1;
    }
    batcher.flush();
    expect(batches[0]).toEqual([1]);
    expect(batches.length).toBeLessThanOrEqual(12);
    expect(batches.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const batch of batches) expect(batch.length).toBeGreaterThan(0);
  });

  it('sends each slow epoch on its own, and a flush with nothing waiting sends nothing', () => {
    let clock = 0;
    const batches: number[][] = [];
    const batcher = createEpochBatcher({
      send: (records) => batches.push(records.map((r) => r.epoch)),
      intervalMs: 100,
      now: () => clock,
    });
    for (let epoch = 1; epoch <= 3; epoch++) {
      batcher.add(record(epoch));
      clock += 250;
    }
    batcher.flush();
    expect(batches).toEqual([[1], [2], [3]]);
  });
});

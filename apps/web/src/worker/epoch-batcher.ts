import type { EpochRecord } from '@headstart/core/browser';

/** Collects epoch records and hands them on in batches, at most one batch per `intervalMs`. */
export interface EpochBatcher {
  add(record: EpochRecord): void;
  /** Sends whatever is waiting; called when training ends, so the page sees every epoch. */
  flush(): void;
}

/**
 * Epochs of a small dataset take a millisecond or two, far faster than a page can redraw; one message per
 * epoch would queue up behind the page's input and rendering. The first epoch goes out at once, so the
 * chart starts straight away; later ones wait until `intervalMs` has passed since the last batch.
 */
export function createEpochBatcher(options: {
  send: (records: EpochRecord[]) => void;
  intervalMs: number;
  now?: () => number;
}): EpochBatcher {
  const { send, intervalMs } = options;
  const now = options.now ?? (() => performance.now());
  let waiting: EpochRecord[] = [];
  let lastSent = Number.NEGATIVE_INFINITY;
  const flush = () => {
    if (waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    lastSent = now();
    send(batch);
  };
  return {
    add(record) {
      waiting.push(record);
      if (now() - lastSent >= intervalMs) flush();
    },
    flush,
  };
}

/** Runs at most `concurrency` tasks at once; the rest wait in order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * A counting semaphore. The API decodes through one so that many requests full of large images cannot
 * hold more than a few decoded bitmaps in memory at once.
 */
export function createLimiter(options: { concurrency: number }): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
      if (active >= options.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await task();
      } finally {
        const wake = waiting.shift();
        if (wake) wake();
        else active--;
      }
    },
  };
}

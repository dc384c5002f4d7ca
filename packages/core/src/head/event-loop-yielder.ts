/** Work time after which a training loop lets timers and messages (such as an abort) run. */
const YIELD_EVERY_MS = 25;

/**
 * A training loop's way to stay responsive: `maybeYield()` gives the event loop a turn once more than
 * 25 ms of work has passed since the last one, so an abort from a timer, a signal or a worker is seen.
 */
export function createEventLoopYielder(): { maybeYield(): Promise<void> } {
  let last = Date.now();
  return {
    async maybeYield() {
      if (Date.now() - last <= YIELD_EVERY_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
      last = Date.now();
    },
  };
}

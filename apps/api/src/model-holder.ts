import { HttpError } from './http-errors.ts';
import type { ServingModel } from './serving-model.ts';

export type HolderStatus = 'loading' | 'ready' | 'failed' | 'stopping' | 'closed';

/** What a reload did. */
export interface ReloadResult {
  previous: string;
  model: string;
  /** The backbone session was kept because the new bundle's backbone has the same sha256. */
  backboneReused: boolean;
  durationMs: number;
}

/**
 * Holds the model being served and swaps it atomically on reload: each request leases the model it
 * started on and keeps it to the end, and a replaced model is freed only once its last lease is returned
 * and its batcher has drained.
 */
export interface ModelHolder {
  readonly status: HolderStatus;
  readonly current: ServingModel | undefined;
  /** Loads the first model (once). */
  start(): Promise<ServingModel>;
  /** Runs `fn` with the current model, which stays alive until `fn` settles. NOT_READY while none. */
  use<T>(fn: (model: ServingModel) => Promise<T>): Promise<T>;
  /** Loads the bundle again (reloads run one at a time); the current model serves on if it fails. */
  reload(): Promise<ReloadResult>;
  /** Images waiting in every live model's queue. */
  queueDepth(): number;
  /** Marks the holder as shutting down (readiness fails, work in progress goes on). */
  stopping(): void;
  /** Waits for all work, then frees every model. */
  close(): Promise<void>;
}

/** Creates a holder over `load`, which opens a model (given the one it replaces, to share its backbone). */
export function createModelHolder(options: {
  load: (previous: ServingModel | undefined) => Promise<ServingModel>;
  /** Told when freeing a replaced model fails (serving goes on regardless). */
  onDisposeError?: (error: unknown) => void;
}): ModelHolder {
  let status: HolderStatus = 'loading';
  let current: ServingModel | undefined;
  let started: Promise<ServingModel> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const leases = new Map<ServingModel, number>();
  const retired = new Set<ServingModel>();

  const release = (model: ServingModel): void => {
    if (!retired.has(model) || (leases.get(model) ?? 0) > 0) return;
    retired.delete(model);
    leases.delete(model);
    model.batcher
      .drain()
      .then(() => model.dispose())
      .catch((error: unknown) => options.onDisposeError?.(error));
  };

  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const next = chain.then(task);
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    get status() {
      return status;
    },
    get current() {
      return current;
    },
    start() {
      started ??= serialised(async () => {
        try {
          current = await options.load(undefined);
          status = 'ready';
          return current;
        } catch (error) {
          status = 'failed';
          throw error;
        }
      });
      return started;
    },
    async use(fn) {
      const model = current;
      if (!model || status === 'closed') {
        throw new HttpError(
          'NOT_READY',
          status === 'closed'
            ? 'The server is shutting down.'
            : 'The model is not loaded yet; retry shortly.',
          { headers: { 'Retry-After': '1' } },
        );
      }
      leases.set(model, (leases.get(model) ?? 0) + 1);
      try {
        return await fn(model);
      } finally {
        leases.set(model, (leases.get(model) ?? 1) - 1);
        release(model);
      }
    },
    reload() {
      return serialised(async () => {
        const previous = current;
        if (!previous)
          throw new HttpError('NOT_READY', 'No model is loaded yet; wait for /readyz before reloading.');
        const t0 = performance.now();
        const next = await options.load(previous);
        current = next;
        retired.add(previous);
        release(previous);
        return {
          previous: previous.id,
          model: next.id,
          backboneReused: next.reusedBackbone,
          durationMs: Math.round(performance.now() - t0),
        };
      });
    },
    queueDepth() {
      let depth = current?.batcher.queueDepth ?? 0;
      for (const model of retired) depth += model.batcher.queueDepth;
      return depth;
    },
    stopping() {
      if (status !== 'closed') status = 'stopping';
    },
    async close() {
      status = 'stopping';
      await chain;
      status = 'closed';
      const models = [...retired, ...(current ? [current] : [])];
      current = undefined;
      retired.clear();
      leases.clear();
      for (const model of models) {
        await model.batcher.drain();
        await model.dispose();
      }
    },
  };
}

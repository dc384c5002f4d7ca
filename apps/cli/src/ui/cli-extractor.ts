import { createSampleExtractor, featureCacheRoot, type SampleExtractorOptions } from '@headstart/core/node';
import type { CliContext } from '../context.ts';
import { createExtractProgress } from './extract-progress.ts';

/**
 * The cached extraction every command runs, wired to the terminal: a progress bar per phase, the user's
 * feature cache (unless `cache` is false) and Ctrl-C. `stop()` clears a bar left open by an early end.
 */
export function createCliExtractor(
  ctx: CliContext,
  options: Omit<SampleExtractorOptions, 'cacheRoot' | 'signal' | 'onStart' | 'onProgress'> & {
    cache: boolean;
  },
) {
  const { cache, ...rest } = options;
  const progress = createExtractProgress(ctx);
  const extract = createSampleExtractor({
    ...rest,
    cacheRoot: cache ? featureCacheRoot(ctx.env) : false,
    signal: ctx.signal,
    onStart: progress.onStart,
    onProgress: progress.onProgress,
  });
  return { extract, stop: progress.stop };
}

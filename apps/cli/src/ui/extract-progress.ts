import type { ExtractProgress } from '@headstart/core';
import type { CliContext } from '../context.ts';
import { createProgressBar, type ProgressBar } from './progress.ts';

/** Progress callbacks for cached feature extraction: a bar per phase with images/s and cache hits. */
export function createExtractProgress(ctx: CliContext) {
  let bar: ProgressBar | undefined;
  return {
    onStart: ({ phase, total }: { phase: string; total: number }) => {
      bar?.stop();
      bar = createProgressBar({
        label: phase === 'test' ? 'extract:test' : 'extract',
        total,
        unit: 'img',
        stream: ctx.stderr,
      });
    },
    onProgress: (p: ExtractProgress) => {
      bar?.update(p.done, { note: p.cacheHits > 0 ? `(${p.cacheHits} cached)` : '' });
      if (p.done >= p.total) {
        bar?.stop();
        bar = undefined;
      }
    },
    stop: () => bar?.stop(),
  };
}

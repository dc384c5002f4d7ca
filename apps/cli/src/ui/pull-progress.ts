import type { PullProgress } from '@headstart/core/node';
import type { CliContext } from '../context.ts';
import { createProgressBar, type ProgressBar } from './progress.ts';

/** Renders a backbone download (bytes, as MB) and the conversion that follows it. */
export function createPullProgress(ctx: CliContext): (progress: PullProgress) => void {
  let bar: ProgressBar | undefined;
  return (progress) => {
    if (progress.phase === 'download') {
      const totalMb = (progress.totalBytes ?? 0) / 1e6;
      bar ??= createProgressBar({
        label: 'download',
        total: Math.max(1, Math.round(totalMb)),
        unit: 'MB',
        stream: ctx.stderr,
      });
      bar.update(Math.round(progress.receivedBytes / 1e6));
    } else {
      bar?.stop();
      bar = undefined;
      ctx.stderr.write('converting to an ONNX conv base…\n');
    }
  };
}

import pc from 'picocolors';
import type { Evaluation } from '@headstart/core';
import { note, type CliContext } from '../context.ts';
import { formatDuration, formatPercent } from './format.ts';

/** The end of a training run: accuracies, where the bundle went, and what to run next. */
export function printTrainSummary(
  ctx: CliContext,
  run: {
    metrics: { validation: Evaluation; test?: Evaluation };
    aborted: boolean;
    bestEpoch: number;
    bundleDir: string;
    bundleNote?: string;
    startedAt: number;
    next: string[];
  },
): void {
  const { validation, test } = run.metrics;
  if (run.aborted)
    note(ctx, pc.yellow(`Stopped early by Ctrl-C; the bundle holds the best epoch (${run.bestEpoch}).`));
  ctx.stdout.write(
    `\n${pc.bold('validation accuracy')} ${pc.green(formatPercent(validation.accuracy))} (${validation.report.total.toLocaleString('en-US')} images)\n`,
  );
  if (test)
    ctx.stdout.write(
      `${pc.bold('test accuracy')}       ${pc.green(formatPercent(test.accuracy))} (${test.report.total.toLocaleString('en-US')} images)\n`,
    );
  ctx.stdout.write(
    `${pc.bold('bundle')}              ${run.bundleDir}${run.bundleNote ? ` ${run.bundleNote}` : ''}\n`,
  );
  ctx.stdout.write(`${pc.dim(`finished in ${formatDuration(Date.now() - run.startedAt)}`)}\n\nnext:\n`);
  for (const command of run.next) ctx.stdout.write(`  ${command}\n`);
}

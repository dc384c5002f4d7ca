import type { Command } from 'commander';
import Table from 'cli-table3';
import { clearFeatureCache, featureCacheRoot, featureCacheStats } from '@headstart/core/node';
import { note, type CliContext } from '../context.ts';
import { formatBytes } from '../ui/format.ts';

/** `headstart cache info | clear`: what the feature cache holds, and emptying it. */
export function registerCacheCommands(program: Command, ctx: CliContext): void {
  const cache = program.command('cache').description('inspect or clear the feature cache');
  cache
    .command('info')
    .description('entries and size per backbone/preprocessing context')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const root = featureCacheRoot(ctx.env);
      const stats = await featureCacheStats({ root });
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify({ root, contexts: stats }, null, 2)}\n`);
        return;
      }
      const table = new Table({ head: ['context', 'entries', 'size'] });
      for (const s of stats) table.push([s.contextId, s.entries, formatBytes(s.bytes)]);
      const total = stats.reduce((acc, s) => acc + s.bytes, 0);
      ctx.stdout.write(`${root}\n${stats.length ? table.toString() : '(empty)'}\n`);
      if (stats.length)
        ctx.stdout.write(`${stats.reduce((a, s) => a + s.entries, 0)} entries, ${formatBytes(total)}\n`);
    });
  cache
    .command('clear')
    .description('delete every cached feature vector (or one context)')
    .option('--context <id>', 'only this context')
    .action(async (opts: { context?: string }) => {
      const root = featureCacheRoot(ctx.env);
      await clearFeatureCache({ root, contextId: opts.context });
      note(ctx, `Cleared ${opts.context ? `context ${opts.context} of ` : ''}${root}`);
    });
}

import type { Command } from 'commander';
import pc from 'picocolors';
import { exportBundle } from '@headstart/core/node';
import type { CliContext } from '../context.ts';
import { formatBytes } from '../ui/format.ts';
import { parseChoice } from '../ui/parse-options.ts';

export interface ExportFlags {
  model: string;
  out: string;
  format: string;
}

/** `headstart export`: a self-contained bundle that carries its backbone graph. */
export async function runExport(ctx: CliContext, flags: ExportFlags): Promise<string> {
  parseChoice('--format', flags.format, ['bundle'] as const);
  const { out, backboneBytes } = await exportBundle({ dir: flags.model, out: flags.out });
  ctx.stdout.write(`${pc.bold('exported')} ${out} (with its ${formatBytes(backboneBytes)} backbone)\n`);
  return out;
}

/** Registers `headstart export`. */
export function registerExportCommand(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('copy a bundle with its backbone ONNX graph, so it runs on machines without the cache')
    .requiredOption('--model <bundle>', 'bundle directory')
    .requiredOption('--out <dir>', 'where the self-contained bundle goes')
    .option('--format <format>', 'bundle (the backbone graph, head and manifest)', 'bundle')
    .action(async (flags: ExportFlags) => {
      await runExport(ctx, flags);
    });
}

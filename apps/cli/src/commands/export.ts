import type { Command } from 'commander';
import pc from 'picocolors';
import { join } from 'node:path';
import { MERGED_MODEL_FILES } from '@headstart/core';
import { exportBundle, exportMergedModel } from '@headstart/core/node';
import type { CliContext } from '../context.ts';
import { formatBytes } from '../ui/format.ts';
import { parseChoice } from '../ui/parse-options.ts';

export interface ExportFlags {
  model: string;
  out: string;
  format: string;
}

/** One ONNX graph from preprocessed images to probabilities, and model.json (see exportMergedModel). */
async function exportMergedOnnx(ctx: CliContext, flags: ExportFlags): Promise<string> {
  const { out, bytes, description } = await exportMergedModel({ dir: flags.model, out: flags.out });
  ctx.stdout.write(
    `${pc.bold('exported')} ${join(out, MERGED_MODEL_FILES.graph)} (${formatBytes(bytes)}: ${description.input.name} → ${description.output.name}) and ${MERGED_MODEL_FILES.description}\n`,
  );
  return out;
}

/** `headstart export`: a self-contained bundle, or (`--format onnx`) one ONNX graph for serving. */
export async function runExport(ctx: CliContext, flags: ExportFlags): Promise<string> {
  const format = parseChoice('--format', flags.format, ['bundle', 'onnx'] as const);
  if (format === 'onnx') return exportMergedOnnx(ctx, flags);
  const { out, backboneBytes } = await exportBundle({ dir: flags.model, out: flags.out });
  ctx.stdout.write(`${pc.bold('exported')} ${out} (with its ${formatBytes(backboneBytes)} backbone)\n`);
  return out;
}

/** Registers `headstart export`. */
export function registerExportCommand(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(
      'a self-contained bundle with its backbone graph, or one ONNX graph from images to probabilities',
    )
    .requiredOption('--model <bundle>', 'bundle directory')
    .requiredOption('--out <dir>', 'where the export goes')
    .option(
      '--format <format>',
      'bundle (backbone graph, head and manifest) or onnx (model.onnx: backbone + head in one graph)',
      'bundle',
    )
    .action(async (flags: ExportFlags) => {
      await runExport(ctx, flags);
    });
}

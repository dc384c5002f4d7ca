import type { Command } from 'commander';
import pc from 'picocolors';
import { join, resolve } from 'node:path';
import { exportOnnx } from '@headstart/core';
import {
  ensureTfjs,
  exportBundle,
  locateBundleBackbone,
  readBundleDir,
  writeFileAtomic,
} from '@headstart/core/node';
import type { CliContext } from '../context.ts';
import { formatBytes } from '../ui/format.ts';
import { parseChoice } from '../ui/parse-options.ts';

export interface ExportFlags {
  model: string;
  out: string;
  format: string;
}

/**
 * One ONNX graph from preprocessed images to probabilities — backbone (frozen and retrained blocks),
 * standardiser and head — plus `model.json` with the labels and preprocessing, for any ONNX runtime.
 */
async function exportMergedOnnx(ctx: CliContext, flags: ExportFlags): Promise<string> {
  await ensureTfjs();
  const dir = resolve(flags.model);
  const bundle = await readBundleDir({ dir });
  try {
    const backbone = await locateBundleBackbone({ manifest: bundle.manifest, bundleDir: dir });
    const exported = exportOnnx({ backbone, pooling: bundle.manifest.pooling, head: bundle.head });
    const out = resolve(flags.out);
    const { manifest } = bundle;
    await writeFileAtomic(join(out, 'model.onnx'), exported.bytes);
    const description = {
      model: manifest.id,
      input: {
        name: exported.inputName,
        layout: manifest.preprocess.layout,
        shape: ['N', 3, manifest.preprocess.inputSize, manifest.preprocess.inputSize],
      },
      output: { name: exported.outputName, shape: ['N', exported.numClasses] },
      labels: manifest.labels,
      preprocess: manifest.preprocess,
      sha256: exported.sha256,
    };
    await writeFileAtomic(join(out, 'model.json'), `${JSON.stringify(description, null, 2)}\n`);
    ctx.stdout.write(
      `${pc.bold('exported')} ${join(out, 'model.onnx')} (${formatBytes(exported.bytes.byteLength)}: ${exported.inputName} → ${exported.outputName}) and model.json\n`,
    );
    return out;
  } finally {
    bundle.head.model.dispose();
  }
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

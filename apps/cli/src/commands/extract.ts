import type { Command } from 'commander';
import pc from 'picocolors';
import { resolve } from 'node:path';
import { encodeNpyFloat32, type ExtractResult } from '@headstart/core';
import { createImageDecoder, openDataset, writeFileAtomic } from '@headstart/core/node';
import { note, type CliContext } from '../context.ts';
import { createCliExtractor } from '../ui/cli-extractor.ts';
import { formatDuration } from '../ui/format.ts';
import { parseInteger } from '../ui/parse-options.ts';
import {
  addBackboneOptions,
  inputAndPooling,
  openBackboneFromFlags,
  parseFeaturesFrom,
  type BackboneFlags,
} from './backbone-options.ts';

export interface ExtractFlags extends BackboneFlags {
  data: string;
  images?: string;
  batchSize: string;
  out?: string;
  strict?: boolean;
  cache: boolean;
}

/** The labels file written beside a .npy: row order, ids and labels. */
function labelsPathFor(npyPath: string): string {
  return npyPath.replace(/\.npy$/i, '') + '.labels.json';
}

/** `headstart extract`: backbone features into the cache, and optionally a .npy for other tools. */
export async function runExtract(ctx: CliContext, flags: ExtractFlags): Promise<ExtractResult> {
  const { inputSize, pooling } = inputAndPooling(flags, { inputSize: 224, pooling: 'flatten' });
  const dataset = await openDataset({
    ref: flags.data,
    ...(flags.images ? { imagesDir: flags.images } : {}),
    strict: flags.strict ?? false,
  });
  const block = parseFeaturesFrom(flags.featuresFrom);
  const backbone = await openBackboneFromFlags(ctx, flags, {
    inputSize,
    ...(block !== undefined ? { block } : {}),
  });
  try {
    note(
      ctx,
      `backbone ${backbone.spec.id} (${backbone.spec.weights} weights) at ${inputSize}×${inputSize}, ${pooling}, on ${backbone.session.executionProvider}`,
    );
    const { extract, stop } = createCliExtractor(ctx, {
      backbone,
      pooling,
      decode: createImageDecoder(),
      batchSize: parseInteger('--batch-size', flags.batchSize, { min: 1, max: 4096 }),
      cache: flags.cache,
      ...(flags.strict ? { strict: true } : {}),
    });
    const samples = [...dataset.samples, ...(dataset.test ?? [])];
    const result = await extract(samples, 'extract');
    stop();
    const rate =
      result.extracted > 0
        ? ` at ${((result.extracted * 1000) / result.durationMs).toFixed(1)} images/s`
        : '';
    ctx.stdout.write(
      `${pc.bold('features')} ${result.kept.length.toLocaleString('en-US')} × ${result.dim.toLocaleString('en-US')}: ${result.extracted.toLocaleString('en-US')} extracted${rate}, ${result.cacheHits.toLocaleString('en-US')} cache hits, ${result.skipped.length} skipped, in ${formatDuration(result.durationMs)}\n`,
    );
    for (const s of result.skipped.slice(0, 10)) note(ctx, pc.yellow(`skipped ${s.reason}`));
    if (result.skipped.length > 10) note(ctx, pc.yellow(`… and ${result.skipped.length - 10} more`));
    if (flags.out) {
      const out = resolve(flags.out);
      await writeFileAtomic(
        out,
        encodeNpyFloat32({ data: result.features, shape: [result.kept.length, result.dim] }),
      );
      const rows = result.kept.map((i) => ({ id: samples[i]!.id, label: samples[i]!.label }));
      const labelsFile = labelsPathFor(out);
      await writeFileAtomic(
        labelsFile,
        `${JSON.stringify({ labels: dataset.labels, backbone: { id: backbone.spec.id, sha256: backbone.spec.sha256, weights: backbone.spec.weights }, preprocess: backbone.preprocess, pooling, rows }, null, 2)}\n`,
      );
      ctx.stdout.write(
        `${pc.bold('wrote')} ${out} (float32 ${result.kept.length}×${result.dim}) and ${labelsFile}\n`,
      );
    }
    return result;
  } finally {
    await backbone.dispose();
  }
}

/** Registers `headstart extract`. */
export function registerExtractCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('extract')
    .description('run the backbone over a dataset and cache its features (optionally write them as .npy)')
    .requiredOption('--data <dataset>', 'mnist, fashion-mnist, a folder per class, IDX files or a CSV')
    .option('--images <dir>', 'folder the CSV file names are relative to');
  addBackboneOptions(command)
    .option('--batch-size <n>', 'images per backbone run', '32')
    .option(
      '--out <file.npy>',
      'also write the features as a NumPy .npy (float32, N×D, dataset order) with labels JSON beside it',
    )
    .option('--strict', 'fail on the first unreadable image instead of skipping it')
    .option('--no-cache', 'do not read or write the feature cache')
    .action(async (flags: ExtractFlags) => {
      await runExtract(ctx, flags);
    });
}

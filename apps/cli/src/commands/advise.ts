import type { Command } from 'commander';
import pc from 'picocolors';
import { adviseScenario, classCounts, linearProbe, type ScenarioAdvice } from '@headstart/core';
import { createImageDecoder, openDataset } from '@headstart/core/node';
import { note, type CliContext } from '../context.ts';
import { createCliExtractor } from '../ui/cli-extractor.ts';
import { formatPercent } from '../ui/format.ts';
import {
  addBackboneOptions,
  inputAndPooling,
  openBackboneFromFlags,
  parseFeaturesFrom,
  type BackboneFlags,
} from './backbone-options.ts';

export interface AdviseFlags extends BackboneFlags {
  data: string;
  images?: string;
  cache: boolean;
}

/**
 * `headstart advise`: which of the four scenarios fits a dataset, from its size per class and how well
 * frozen features already separate its classes (a linear probe on a held-out split).
 */
export async function runAdvise(ctx: CliContext, flags: AdviseFlags): Promise<ScenarioAdvice> {
  const dataset = await openDataset({
    ref: flags.data,
    ...(flags.images ? { imagesDir: flags.images } : {}),
    strict: false,
  });
  const counts = classCounts(dataset.samples.map((s) => s.label));
  const { inputSize, pooling } = inputAndPooling(flags, { inputSize: 32, pooling: 'flatten' });
  const backbone = await openBackboneFromFlags(ctx, flags, {
    inputSize,
    block: parseFeaturesFrom(flags.featuresFrom) ?? 'auto',
  });
  try {
    const { extract, stop } = createCliExtractor(ctx, {
      backbone,
      pooling,
      decode: createImageDecoder(),
      cache: flags.cache,
      maxInMemoryBytes: Number.MAX_SAFE_INTEGER,
    });
    const features = await extract(dataset.samples, 'probe');
    stop();
    const labels = Int32Array.from(features.kept, (i) => dataset.labels.indexOf(dataset.samples[i]!.label));
    const probe = await linearProbe({
      features: features.features,
      labels,
      dim: features.dim,
      numClasses: dataset.labels.length,
      seed: 42,
    });
    const advice = adviseScenario({
      perClassCounts: dataset.labels.map((l) => counts[l] ?? 0),
      probeAccuracy: probe.accuracy,
      weights: backbone.spec.weights,
      blocks: flags.backbone.endsWith('.onnx') ? backbone.spec.blocks.length : undefined,
      data: flags.data,
      backbone: flags.backbone,
    });
    note(
      ctx,
      `probe on ${backbone.spec.id} features (${features.dim.toLocaleString('en-US')}-d, ${backbone.spec.weights} weights), ${probe.trainCount} train / ${probe.valCount} held out`,
    );
    ctx.stdout.write(
      `${pc.bold('linear probe accuracy')} ${formatPercent(probe.accuracy)} (chance ${formatPercent(probe.chance)})\n`,
    );
    ctx.stdout.write(
      `${pc.bold('images per class')}      median ${advice.medianPerClass} (${dataset.labels.length} classes)\n`,
    );
    ctx.stdout.write(
      `${pc.bold('recommended')}           ${pc.green(advice.scenario)}${advice.trainableFrom ? ` from block${advice.trainableFrom}` : ''}\n`,
    );
    ctx.stdout.write(`${pc.bold('why')}                   ${advice.reason}\n\n  ${advice.command}\n`);
    return advice;
  } finally {
    await backbone.dispose();
  }
}

/** Registers `headstart advise`. */
export function registerAdviseCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('advise')
    .description(
      'recommend head, partial, scratch or full training for a dataset, with the reason and the command',
    )
    .requiredOption('--data <dataset>', 'mnist, fashion-mnist, a folder per class, IDX files or a CSV')
    .option('--images <dir>', 'folder the CSV file names are relative to');
  addBackboneOptions(command)
    .option('--no-cache', 'do not read or write the feature cache')
    .action(async (flags: AdviseFlags) => {
      await runAdvise(ctx, flags);
    });
}

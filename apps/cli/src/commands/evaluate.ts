import type { Command } from 'commander';
import Table from 'cli-table3';
import pc from 'picocolors';
import { join, resolve } from 'node:path';
import {
  argMaxRows,
  classificationReport,
  HeadstartError,
  holdOutTestSet,
  modelPooling,
  modelProbabilities,
  stratifiedSplit,
  type ClassificationReport,
  type DatasetSample,
} from '@headstart/core';
import { openBundleModel, openDataset, writeFileAtomic } from '@headstart/core/node';
import { note, type CliContext } from '../context.ts';
import { renderEvaluationHtml } from '../report/evaluation-html.ts';
import { formatConfusionMatrix } from '../ui/confusion-matrix.ts';
import { createCliExtractor } from '../ui/cli-extractor.ts';
import { formatPercent } from '../ui/format.ts';
import { parseChoice } from '../ui/parse-options.ts';

export interface EvaluateFlags {
  model: string;
  data: string;
  images?: string;
  split: string;
  out?: string;
  device: string;
  cache: boolean;
}

/** Which samples to evaluate on: a separate test set, the bundle's own validation split, or everything. */
function pickSamples(
  split: 'auto' | 'test' | 'val' | 'all',
  dataset: Awaited<ReturnType<typeof openDataset>>,
  training: { valSplit: number; seed: number; testSplit?: number | undefined },
) {
  const { samples: pool, testSamples } = holdOutTestSet(dataset, training.testSplit, training.seed);
  const choice = split === 'auto' ? (testSamples.length ? 'test' : 'all') : split;
  if (choice === 'test') {
    if (!testSamples.length)
      throw new HeadstartError(
        'INVALID_OPTION',
        `--split test: ${dataset.source} has no separate test set; use --split val or all.`,
      );
    return {
      samples: testSamples,
      description: dataset.test?.length ? 'test set' : `held-out test split (${training.testSplit})`,
    };
  }
  if (choice === 'val') {
    const { val } = stratifiedSplit({
      labels: pool.map((s) => s.label),
      valFraction: training.valSplit,
      seed: training.seed,
    });
    return {
      samples: val.map((i) => pool[i] as DatasetSample),
      description: `validation split (${training.valSplit}, seed ${training.seed})`,
    };
  }
  return { samples: dataset.samples, description: 'all images' };
}

/** `headstart evaluate`: accuracy, per-class figures, a confusion matrix, report.json and report.html. */
export async function runEvaluate(ctx: CliContext, flags: EvaluateFlags): Promise<ClassificationReport> {
  const split = parseChoice('--split', flags.split, ['auto', 'test', 'val', 'all'] as const);
  const device = parseChoice('--device', flags.device, ['cpu', 'cuda', 'webgpu'] as const);
  const model = await openBundleModel({ dir: flags.model, device });
  try {
    const { manifest } = model;
    const dataset = await openDataset({
      ref: flags.data,
      ...(flags.images ? { imagesDir: flags.images } : {}),
      strict: false,
    });
    const unknown = dataset.labels.filter((l) => !manifest.labels.includes(l));
    if (unknown.length > 0) {
      throw new HeadstartError(
        'DATASET_INVALID',
        `${dataset.source} has labels the model does not know: ${unknown.slice(0, 5).join(', ')}; the model knows ${manifest.labels.join(', ')}.`,
      );
    }
    const { samples, description } = pickSamples(split, dataset, manifest.training);
    note(
      ctx,
      `evaluating ${manifest.id} on ${dataset.source}, ${description}: ${samples.length.toLocaleString('en-US')} images`,
    );
    const { extract, stop } = createCliExtractor(ctx, {
      backbone: {
        spec: model.backbone,
        path: model.backboneSource,
        preprocess: manifest.preprocess,
        session: model.session,
        dispose: async () => {},
      },
      pooling: modelPooling(model),
      decode: model.decode,
      cache: flags.cache,
    });
    const features = await extract(samples, 'evaluate');
    stop();
    const probabilities = await modelProbabilities({
      model,
      features: features.features,
      count: features.kept.length,
    });
    const predicted = argMaxRows({ probabilities, numClasses: manifest.labels.length });
    const actual = Int32Array.from(
      features.kept.map((i) => manifest.labels.indexOf((samples[i] as DatasetSample).label)),
    );
    const report = classificationReport({ labels: manifest.labels, actual, predicted });

    ctx.stdout.write(
      `\n${pc.bold('accuracy')} ${pc.green(formatPercent(report.accuracy))} on ${report.total.toLocaleString('en-US')} images${features.skipped.length ? pc.yellow(` (${features.skipped.length} unreadable skipped)`) : ''}\n\n`,
    );
    const table = new Table({ head: ['class', 'precision', 'recall', 'F1', 'support'] });
    for (const c of report.perClass)
      table.push([c.label, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), c.support]);
    table.push([
      pc.dim('macro avg'),
      report.macro.precision.toFixed(3),
      report.macro.recall.toFixed(3),
      report.macro.f1.toFixed(3),
      report.total,
    ]);
    ctx.stdout.write(`${table.toString()}\n\n${formatConfusionMatrix(report)}\n`);

    const outDir = resolve(flags.out ?? join(model.dir, 'evaluation'));
    const json = {
      model: manifest.id,
      data: dataset.source,
      split: description,
      skipped: features.skipped,
      report,
    };
    await writeFileAtomic(join(outDir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
    const html = renderEvaluationHtml({
      title: `${manifest.id} on ${dataset.name}`,
      subtitle: `${description} of ${dataset.source} · backbone ${manifest.backbone.id} (${manifest.backbone.weights} weights) · ${manifest.preprocess.inputSize}×${manifest.preprocess.inputSize} ${manifest.pooling}`,
      report,
      history: model.bundle?.history ?? [],
    });
    await writeFileAtomic(join(outDir, 'report.html'), html);
    ctx.stdout.write(
      `\n${pc.bold('report')} ${join(outDir, 'report.json')}\n${pc.bold('page')}   ${join(outDir, 'report.html')} (confusion matrix and training curves)\n`,
    );
    return report;
  } finally {
    await model.dispose();
  }
}

/** Registers `headstart evaluate`. */
export function registerEvaluateCommand(program: Command, ctx: CliContext): void {
  program
    .command('evaluate')
    .description('accuracy, per-class precision/recall/F1 and a confusion matrix of a bundle on a dataset')
    .requiredOption('--model <bundle>', 'bundle directory')
    .requiredOption('--data <dataset>', 'mnist, fashion-mnist, a folder per class, IDX files or a CSV')
    .option('--images <dir>', 'folder the CSV file names are relative to')
    .option(
      '--split <which>',
      "auto (test set if any, else all), test, val (the bundle's validation split) or all",
      'auto',
    )
    .option('--out <dir>', 'where report.json and report.html go (default: <bundle>/evaluation)')
    .option('--device <device>', 'cpu, cuda or webgpu', 'cpu')
    .option('--no-cache', 'do not read or write the feature cache')
    .action(async (flags: EvaluateFlags) => {
      await runEvaluate(ctx, flags);
    });
}

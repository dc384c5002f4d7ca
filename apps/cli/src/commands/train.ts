import type { Command } from 'commander';
import pc from 'picocolors';
import { resolve } from 'node:path';
import {
  formatHeadSpec,
  getTrainPreset,
  HeadstartError,
  limitDataset,
  parseHeadSpec,
  parseNormalizationMode,
  parseScenario,
  parseTrainableFrom,
  resolveScenarioOptions,
  trainClassifier,
  type TrainPreset,
} from '@headstart/core';
import {
  createImageDecoder,
  ensureTfjs,
  openDataset,
  resolveBackbone,
  saveBundleDir,
  TFJS_BACKEND_CHOICES,
} from '@headstart/core/node';
import { readFileSync } from 'node:fs';
import { note, type CliContext } from '../context.ts';
import { formatEpochLine } from '../ui/epoch-line.ts';
import { createProgressBar, type ProgressBar } from '../ui/progress.ts';
import { printTrainSummary } from '../ui/train-summary.ts';
import { createCliExtractor } from '../ui/cli-extractor.ts';
import { parseChoice, parseInteger, parseNumber } from '../ui/parse-options.ts';
import { runFinetuneTrain } from './train-finetune.ts';
import { sharedTrainingOptions } from './train-options.ts';
import {
  addBackboneOptions,
  inputAndPooling,
  openBackboneFromFlags,
  parseFeaturesFrom,
  type BackboneFlags,
} from './backbone-options.ts';

/** Flags of `headstart train`, as commander hands them over (strings until parsed). */
export interface TrainFlags extends BackboneFlags {
  data: string;
  images?: string;
  limit?: string;
  preset: string;
  head?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
  seed?: string;
  valSplit?: string;
  testSplit?: string;
  patience?: string;
  classWeights?: string;
  standardize?: boolean;
  extractBatchSize: string;
  out?: string;
  strict?: boolean;
  cache: boolean;
  tfjsBackend: string;
  scenario: string;
  trainableFrom?: string;
  warmupEpochs?: string;
  lrBackbone?: string;
  augmentShift?: string;
  augmentFlip?: boolean;
}

/** The training settings: the preset's, overridden by every flag given. */
export function resolveTrainSettings(flags: TrainFlags, preset: TrainPreset) {
  const { inputSize, pooling } = inputAndPooling(flags, preset);
  return {
    inputSize,
    pooling,
    head: parseHeadSpec({ value: flags.head ?? preset.head, readFile: (path) => readFileSync(path, 'utf8') }),
    epochs: flags.epochs ? parseInteger('--epochs', flags.epochs, { min: 1, max: 10_000 }) : preset.epochs,
    batchSize: flags.batchSize
      ? parseInteger('--batch-size', flags.batchSize, { min: 1, max: 65_536 })
      : preset.batchSize,
    learningRate: flags.lr
      ? parseNumber('--lr', flags.lr, { above: 0, describe: 'a number > 0, e.g. 0.001' })
      : preset.learningRate,
    seed: flags.seed ? parseInteger('--seed', flags.seed) : preset.seed,
    valSplit: flags.valSplit
      ? parseNumber('--val-split', flags.valSplit, {
          above: 0,
          below: 1,
          describe: 'a fraction strictly between 0 and 1, e.g. 0.3',
        })
      : preset.valSplit,
    testSplit: flags.testSplit
      ? parseNumber('--test-split', flags.testSplit, {
          above: 0,
          below: 1,
          describe: 'a fraction strictly between 0 and 1, e.g. 0.1',
        })
      : undefined,
    patience: flags.patience ? parseInteger('--patience', flags.patience, { min: 1 }) : undefined,
    classWeights: flags.classWeights
      ? parseChoice('--class-weights', flags.classWeights, ['balanced'] as const)
      : undefined,
    standardize: flags.standardize ?? preset.standardize,
    featuresFrom: parseFeaturesFrom(flags.featuresFrom) ?? (preset.name === 'tutorial' ? undefined : 'auto'),
    extractBatchSize: parseInteger('--extract-batch-size', flags.extractBatchSize, { min: 1, max: 4096 }),
  };
}

/** `headstart train`: extract (cached) backbone features, train the head, write a bundle. */
export async function runTrain(
  ctx: CliContext,
  flags: TrainFlags,
): Promise<{ bundleDir: string; valAccuracy: number }> {
  const started = Date.now();
  const preset = getTrainPreset(flags.preset);
  const settings = resolveTrainSettings(flags, preset);
  const tfjsBackend = parseChoice('--tfjs-backend', flags.tfjsBackend, TFJS_BACKEND_CHOICES);
  note(ctx, pc.dim(`preset ${preset.summary}`));
  const tfjs = await ensureTfjs({ backend: tfjsBackend });
  const opened = await openDataset({
    ref: flags.data,
    ...(flags.images ? { imagesDir: flags.images } : {}),
    strict: flags.strict ?? false,
  });
  const dataset = flags.limit
    ? limitDataset({
        dataset: opened,
        // Two per class: one to train on and one to hold out.
        count: parseInteger('--limit', flags.limit, { min: 2 * opened.labels.length }),
        seed: settings.seed,
      })
    : opened;
  if (dataset.labels.length < 2) {
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `${dataset.source} has ${dataset.labels.length} class; a classifier needs at least 2.`,
    );
  }
  note(
    ctx,
    `data      ${dataset.source}: ${dataset.samples.length.toLocaleString('en-US')} images, ${dataset.labels.length} classes${dataset.test ? `, test set ${dataset.test.length.toLocaleString('en-US')}` : ''}${dataset.skipped.length ? pc.yellow(`, ${dataset.skipped.length} files skipped`) : ''}`,
  );
  const scenario = parseScenario(flags.scenario);
  const convFlags = [
    flags.trainableFrom,
    flags.warmupEpochs,
    flags.lrBackbone,
    flags.augmentShift,
    flags.augmentFlip,
  ].some((v) => v !== undefined);
  if (scenario !== 'head' || convFlags) {
    const base = await resolveBackbone({
      ref: flags.backbone,
      weights:
        flags.weights === undefined
          ? 'auto'
          : parseChoice('--weights', flags.weights, ['auto', 'imagenet', 'random'] as const),
      seed: parseInteger('--backbone-seed', flags.backboneSeed),
      ...(flags.preprocess ? { normalization: parseNormalizationMode(flags.preprocess) } : {}),
      onWarning: (message) => note(ctx, pc.bold(pc.yellow(message))),
    });
    const resolved = resolveScenarioOptions({
      scenario,
      spec: base.spec,
      ...(flags.trainableFrom ? { trainableFrom: parseTrainableFrom(flags.trainableFrom, base.spec) } : {}),
      learningRate: settings.learningRate,
      ...(flags.lrBackbone
        ? {
            learningRateBackbone: parseNumber('--lr-backbone', flags.lrBackbone, {
              describe: 'a number > 0, e.g. 1e-5',
            }),
          }
        : {}),
      epochs: settings.epochs,
      ...(flags.warmupEpochs
        ? { warmupEpochs: parseInteger('--warmup-epochs', flags.warmupEpochs, { min: 0 }) }
        : {}),
      ...(flags.augmentShift !== undefined || flags.augmentFlip
        ? {
            augment: {
              shift: flags.augmentShift
                ? parseInteger('--augment-shift', flags.augmentShift, { min: 0, max: 64 })
                : 0,
              flip: flags.augmentFlip ?? false,
            },
          }
        : {}),
    });
    const device = parseChoice('--device', flags.device, ['cpu', 'cuda', 'webgpu'] as const);
    return runFinetuneTrain(ctx, {
      dataset,
      settings: { ...settings, standardize: flags.standardize ?? true },
      scenario: resolved,
      backbone: base,
      device,
      ...(flags.threads ? { threads: parseInteger('--threads', flags.threads, { min: 1, max: 256 }) } : {}),
      cache: flags.cache,
      strict: flags.strict ?? false,
      preset: preset.name,
      tfjsNote: tfjs.note,
      ...(flags.out ? { out: flags.out } : {}),
      started,
    });
  }
  const backbone = await openBackboneFromFlags(ctx, flags, {
    inputSize: settings.inputSize,
    block: settings.featuresFrom,
  });
  try {
    note(
      ctx,
      `backbone  ${backbone.spec.id} (${backbone.spec.weights === 'random' ? pc.yellow(`random weights, seed ${backbone.spec.seed}`) : 'ImageNet weights'}), ${settings.inputSize}×${settings.inputSize} ${settings.pooling}, onnxruntime-node ${backbone.session.executionProvider}`,
    );
    note(
      ctx,
      `head      ${formatHeadSpec(settings.head)}${settings.standardize ? ', standardised features' : ''}; tf.js ${tfjs.note}`,
    );
    const progress = createCliExtractor(ctx, {
      backbone,
      pooling: settings.pooling,
      decode: createImageDecoder(),
      batchSize: settings.extractBatchSize,
      cache: flags.cache,
      ...(flags.strict ? { strict: true } : {}),
    });
    const { extract } = progress;
    let bestValLoss = Infinity;
    // Long epochs (the tutorial preset at 224×224) get a bar of their own on a terminal.
    let epochBar: ProgressBar | undefined;
    const result = await trainClassifier({
      dataset,
      extract,
      backbone: backbone.spec,
      backboneFile: backbone.spec.arch === 'custom' ? resolve(flags.backbone) : `cache:${backbone.spec.id}`,
      preprocess: backbone.preprocess,
      pooling: settings.pooling,
      ...sharedTrainingOptions(ctx, settings, preset.name),
      learningRate: settings.learningRate,
      onFeatures: (info) => {
        progress.stop();
        note(
          ctx,
          `features  ${info.dim.toLocaleString('en-US')}-d: ${info.train.toLocaleString('en-US')} train, ${info.val.toLocaleString('en-US')} validation${info.cacheHits ? `, ${info.cacheHits.toLocaleString('en-US')} from the cache` : ''}${info.skipped ? pc.yellow(`, ${info.skipped} unreadable images skipped`) : ''}`,
        );
      },
      onBatch: (p) => {
        if (!ctx.stderr.isTTY || p.batches < 50) return;
        epochBar ??= createProgressBar({
          label: `epoch ${p.epoch}`,
          total: p.batches,
          unit: 'batch',
          stream: ctx.stderr,
        });
        epochBar.update(p.batch, { note: `loss ${p.loss.toFixed(4)}` });
      },
      onEpoch: (record) => {
        epochBar?.stop();
        epochBar = undefined;
        const best = (record.valLoss ?? Infinity) < bestValLoss;
        if (best) bestValLoss = record.valLoss ?? bestValLoss;
        note(ctx, formatEpochLine(record, settings.epochs, best && settings.patience !== undefined));
      },
    });
    const bundleDir = resolve(flags.out ?? `runs/${result.manifest.id}`);
    try {
      await saveBundleDir({
        dir: bundleDir,
        manifest: result.manifest,
        head: result.head,
        metrics: result.metrics,
        history: result.history,
      });
    } finally {
      result.head.model.dispose();
    }
    printTrainSummary(ctx, {
      metrics: result.metrics,
      aborted: result.aborted,
      bestEpoch: result.manifest.training.bestEpoch,
      bundleDir,
      startedAt: started,
      next: [
        `pnpm cli evaluate --model ${bundleDir} --data ${flags.data}`,
        `pnpm cli predict --model ${bundleDir} <images or folders…>`,
        `pnpm cli export --model ${bundleDir} --out ./my-model`,
      ],
    });
    return { bundleDir, valAccuracy: result.metrics.validation.accuracy };
  } finally {
    await backbone.dispose();
  }
}

/** Registers `headstart train`. */
export function registerTrainCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('train')
    .description('train a classifier head on frozen VGG features and write a model bundle')
    .option(
      '--data <dataset>',
      'mnist (built-in), fashion-mnist, a folder per class, a folder of IDX files, or a filename,label CSV',
      'mnist',
    )
    .option('--images <dir>', 'folder the CSV file names are relative to')
    .option(
      '--limit <n>',
      'train on a stratified, seeded subset of n images (before the validation split; the test set stays whole)',
    )
    .option(
      '--preset <name>',
      'quick (default: about a minute on 2 cores) or tutorial (the article: 224×224, 25,088 features)',
      'quick',
    );
  addBackboneOptions(command)
    .option('--head <spec>', 'tutorial, linear, mlp:512,256 (relu; @0.3 sets dropout), JSON, or @file.json')
    .option('--epochs <n>', 'training epochs')
    .option('--batch-size <n>', 'training batch size')
    .option('--lr <rate>', 'Adam learning rate')
    .option('--seed <n>', 'seed of the split, the initial weights, shuffling and dropout')
    .option('--val-split <fraction>', 'validation fraction, stratified per class')
    .option(
      '--test-split <fraction>',
      'hold out this share as a test set when the data has none (train/ and test/ folders, IDX t10k files)',
    )
    .option(
      '--patience <epochs>',
      'stop after this many epochs without a better validation loss, keeping the best',
    )
    .option('--class-weights <mode>', 'balanced: weight the loss by inverse class frequency')
    .option('--standardize', 'standardise features before the head (quick preset: on)')
    .option('--no-standardize', 'feed raw features to the head (tutorial preset)')
    .option('--extract-batch-size <n>', 'images per backbone run', '64')
    .option('--out <dir>', 'bundle directory (default: runs/<bundle id>)')
    .option('--strict', 'fail on the first unreadable image instead of skipping it')
    .option('--no-cache', 'do not read or write the feature cache')
    .option('--tfjs-backend <name>', 'auto, wasm, cpu or tfjs-node', 'auto')
    .option(
      '--scenario <name>',
      'head (frozen backbone, the default), partial (retrain from --trainable-from), scratch or full',
      'head',
    )
    .option(
      '--trainable-from <block>',
      'partial: first block to retrain, e.g. block4 (default: the last block)',
    )
    .option('--warmup-epochs <n>', 'epochs that train the head alone before the conv blocks unfreeze')
    .option(
      '--lr-backbone <rate>',
      'Adam learning rate of the conv blocks (default: --lr / 100, scratch / 10)',
    )
    .option('--augment-shift <px>', 'conv scenarios: random shift of up to this many pixels (zero fill)')
    .option('--augment-flip', 'conv scenarios: random horizontal flips (not for digits or text)')
    .action(async (flags: TrainFlags) => {
      await runTrain(ctx, flags);
    });
}

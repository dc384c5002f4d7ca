import pc from 'picocolors';
import { resolve } from 'node:path';
import { finetuneClassifier, formatHeadSpec, type ScenarioSettings } from '@headstart/core';
import {
  createImageDecoder,
  createWorkerSession,
  resolveBackbone,
  saveSelfContainedBundle,
} from '@headstart/core/node';
import { preprocessFor, type Dataset, type Device, type NormalizationMode } from '@headstart/core';
import { note, type CliContext } from '../context.ts';
import { formatEpochLine } from '../ui/epoch-line.ts';
import { createCliExtractor } from '../ui/cli-extractor.ts';
import { printTrainSummary } from '../ui/train-summary.ts';
import type { resolveTrainSettings } from './train.ts';
import { sharedTrainingOptions } from './train-options.ts';

/** `train --scenario partial|scratch|full`: conv blocks retrained in tf.js together with the head. */
export async function runFinetuneTrain(
  ctx: CliContext,
  input: {
    dataset: Dataset;
    settings: ReturnType<typeof resolveTrainSettings>;
    scenario: ScenarioSettings;
    backbone: Awaited<ReturnType<typeof resolveBackbone>>;
    device: Device;
    threads?: number;
    normalization?: NormalizationMode;
    cache: boolean;
    strict: boolean;
    preset: string;
    /** Which tf.js backend trains the conv blocks and the head, and why. */
    tfjsNote: string;
    out?: string;
    started: number;
  },
): Promise<{ bundleDir: string; valAccuracy: number }> {
  const { dataset, settings, scenario, backbone } = input;
  const preprocess = preprocessFor(backbone.spec.normalization, settings.inputSize, 'nchw');
  const decode = createImageDecoder();
  note(
    ctx,
    `scenario  ${scenario.scenario}: ${scenario.scenario === 'partial' ? `${scenario.trainableFrom === 2 ? 'block 1' : `blocks 1–${scenario.trainableFrom - 1}`} frozen in ONNX Runtime, ${scenario.trainableFrom === backbone.spec.blocks.length ? `block ${scenario.trainableFrom}` : `blocks ${scenario.trainableFrom}–${backbone.spec.blocks.length}`} retrained` : 'every block retrained'} with the head; conv lr ${scenario.learningRateBackbone}, head lr ${scenario.learningRate}, ${scenario.warmupEpochs} warm-up epoch(s)${scenario.augment.shift || scenario.augment.flip ? `, augmentation shift ${scenario.augment.shift}px${scenario.augment.flip ? ' + flip' : ''}` : ''}`,
  );
  note(
    ctx,
    `head      ${formatHeadSpec(settings.head)}${settings.standardize ? ', standardised features' : ''}; blocks and head on tf.js ${input.tfjsNote}`,
  );
  let stopExtractBar = (): void => {};
  const result = await finetuneClassifier({
    dataset,
    backbone,
    settings: scenario,
    decode,
    preprocess,
    pooling: settings.pooling,
    ...sharedTrainingOptions(ctx, settings, input.preset),
    openFrozen: async (frozen) => {
      const session = await createWorkerSession({
        model: frozen.bytes,
        device: input.device,
        ...(input.threads ? { threads: input.threads } : {}),
      });
      const feature = {
        spec: frozen.spec,
        path: backbone.path,
        preprocess,
        session,
        dispose: () => session.dispose(),
      };
      const { extract, stop } = createCliExtractor(ctx, {
        backbone: feature,
        pooling: 'flatten',
        decode,
        batchSize: settings.extractBatchSize,
        cache: input.cache,
        ...(input.strict ? { strict: true } : {}),
      });
      stopExtractBar = stop;
      return { extract, dispose: () => session.dispose() };
    },
    onFeatures: (info) => {
      stopExtractBar();
      note(
        ctx,
        `inputs    ${info.dim.toLocaleString('en-US')} values per image: ${info.train.toLocaleString('en-US')} train, ${info.val.toLocaleString('en-US')} validation${info.cacheHits ? `, ${info.cacheHits.toLocaleString('en-US')} from the cache` : ''}`,
      );
    },
    onEpoch: (record) =>
      note(ctx, `${formatEpochLine(record, settings.epochs, false)} ${pc.dim(record.phase)}`),
  });
  const bundleDir = resolve(input.out ?? `runs/${result.manifest.id}`);
  try {
    await saveSelfContainedBundle({
      dir: bundleDir,
      contents: {
        manifest: result.manifest,
        head: result.head,
        metrics: result.metrics,
        history: result.history,
      },
      backbone: result.mergedBackbone,
    });
  } finally {
    result.head.model.dispose();
  }
  printTrainSummary(ctx, {
    metrics: result.metrics,
    aborted: result.aborted,
    bestEpoch: result.manifest.training.bestEpoch,
    bundleDir,
    bundleNote: '(carries its fine-tuned conv base)',
    startedAt: input.started,
    next: [
      `pnpm cli predict --model ${bundleDir} <images or folders…>`,
      `pnpm cli export --model ${bundleDir} --format onnx --out ./model-onnx`,
    ],
  });
  return { bundleDir, valAccuracy: result.metrics.validation.accuracy };
}

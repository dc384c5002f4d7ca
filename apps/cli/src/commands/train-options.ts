import { softwareVersions } from '@headstart/core/node';
import type { CliContext } from '../context.ts';
import type { resolveTrainSettings } from './train.ts';

/** The options every scenario's training takes from the resolved settings, in one place. */
export function sharedTrainingOptions(
  ctx: CliContext,
  settings: ReturnType<typeof resolveTrainSettings>,
  preset: string,
) {
  return {
    head: settings.head,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    valSplit: settings.valSplit,
    ...(settings.testSplit !== undefined ? { testSplit: settings.testSplit } : {}),
    ...(settings.patience ? { patience: settings.patience } : {}),
    ...(settings.classWeights ? { classWeights: settings.classWeights } : {}),
    standardize: settings.standardize,
    preset,
    versions: softwareVersions(),
    signal: ctx.signal,
  };
}

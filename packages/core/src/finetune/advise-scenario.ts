import { HeadstartError } from '../errors.ts';
import type { Scenario } from './scenario-options.ts';

/**
 * Images per class (the median class) from which a dataset counts as large: enough to retrain every
 * conv layer of a VGG without it memorising the training set.
 */
export const LARGE_PER_CLASS = 1000;
/** Below this many images per class (median), retraining any conv layer overfits: the head alone it is. */
export const MIN_FINETUNE_PER_CLASS = 20;
/**
 * Probe score, (accuracy − chance) / (1 − chance), from which frozen features count as separating the
 * classes well — the data looks like what the backbone learnt from.
 */
export const SEPARABLE_SCORE = 0.8;
/** Probe score below which frozen features count as poor: partial then retrains two blocks, not one. */
export const POOR_SCORE = 0.5;

export interface AdviseScenarioOptions {
  /** Images per class. */
  perClassCounts: readonly number[];
  /** Held-out accuracy of a linear probe on frozen features (linearProbe). */
  probeAccuracy: number;
  /** Where the backbone's weights come from: random weights have no pretrained features to keep. */
  weights: 'imagenet' | 'random';
  /** Number of blocks of the backbone. Default 5. */
  blocks?: number;
  /** The dataset and backbone references, as the user wrote them, for the command. */
  data?: string;
  backbone?: string;
}

export interface ScenarioAdvice {
  scenario: Scenario;
  /** For partial: the first block to retrain. */
  trainableFrom?: number;
  /** One or two sentences: the figures and the rule they met. */
  reason: string;
  /** The exact train command. */
  command: string;
  probeAccuracy: number;
  /** (accuracy − chance) / (1 − chance). */
  probeScore: number;
  medianPerClass: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Quotes a command argument for a POSIX shell when it holds anything but plain path characters. */
function shellArg(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Picks one of the tutorial's four scenarios from dataset size and how well frozen features separate
 * the classes. With m the median images per class and s the probe score:
 * - m < MIN_FINETUNE_PER_CLASS → head;
 * - m < LARGE_PER_CLASS: s ≥ SEPARABLE_SCORE → head; else partial, retraining the last block, or the
 *   last two when s < POOR_SCORE;
 * - m ≥ LARGE_PER_CLASS: ImageNet weights with s ≥ SEPARABLE_SCORE → full; otherwise (features unlike
 *   the data, or random weights with nothing pretrained to keep) → scratch.
 */
export function adviseScenario(options: AdviseScenarioOptions): ScenarioAdvice {
  const { perClassCounts, probeAccuracy, weights } = options;
  const blocks = options.blocks ?? 5;
  const classes = perClassCounts.length;
  if (classes < 2)
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `Advice needs at least 2 classes; the dataset has ${classes}.`,
    );
  if (!(probeAccuracy >= 0 && probeAccuracy <= 1)) {
    throw new HeadstartError('INVALID_OPTION', `Probe accuracy ${probeAccuracy} must be between 0 and 1.`);
  }
  const chance = 1 / classes;
  const probeScore = Math.max(0, (probeAccuracy - chance) / (1 - chance));
  const m = median(perClassCounts);
  const size = `${m} images per class (median)`;
  const probe = `a linear probe on frozen features scores ${percent(probeAccuracy)} held out (chance ${percent(chance)})`;
  let scenario: Scenario;
  let trainableFrom: number | undefined;
  let why: string;
  if (m < MIN_FINETUNE_PER_CLASS) {
    scenario = 'head';
    why = `${size} is too few to retrain conv layers without overfitting; train a head on the frozen features (${probe}).`;
  } else if (m < LARGE_PER_CLASS) {
    if (probeScore >= SEPARABLE_SCORE || blocks < 2) {
      scenario = 'head';
      why = `${size} is small and ${probe}: the frozen features already fit, so train a new head on them.`;
    } else {
      scenario = 'partial';
      trainableFrom = probeScore < POOR_SCORE ? Math.max(2, blocks - 1) : blocks;
      why = `${size} is small but ${probe}: keep the generic early blocks frozen and retrain block${trainableFrom}${trainableFrom < blocks ? `–${blocks}` : ''} with the head.`;
    }
  } else if (weights === 'imagenet' && probeScore >= SEPARABLE_SCORE) {
    scenario = 'full';
    why = `${size} is large and ${probe}: start from the pretrained weights and fine-tune the whole network.`;
  } else {
    scenario = 'scratch';
    why =
      weights === 'random'
        ? `${size} is large and the backbone has random weights, with no pretrained features to keep (${probe}): train the whole network from scratch.`
        : `${size} is large and ${probe}: the data is unlike what the backbone learnt from, so train the whole network from scratch.`;
  }
  const parts = [
    'headstart train',
    `--data ${options.data === undefined ? '<dataset>' : shellArg(options.data)}`,
  ];
  if (options.backbone) parts.push(`--backbone ${shellArg(options.backbone)}`);
  parts.push(`--weights ${weights}`, `--scenario ${scenario}`);
  if (trainableFrom !== undefined) parts.push(`--trainable-from block${trainableFrom}`);
  return {
    scenario,
    ...(trainableFrom !== undefined ? { trainableFrom } : {}),
    reason: why.charAt(0).toUpperCase() + why.slice(1),
    command: parts.join(' '),
    probeAccuracy,
    probeScore,
    medianPerClass: m,
  };
}

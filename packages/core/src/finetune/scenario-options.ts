import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { HeadstartError, formatChoices } from '../errors.ts';
import { augments, checkAugmentSpec, NO_AUGMENT, type AugmentSpec } from './augment.ts';
import { checkLearningRate } from './validate-finetune.ts';

/**
 * The tutorial's four transfer-learning scenarios: `head` (frozen base, new head: small data like
 * ImageNet), `partial` (freeze the first blocks, retrain the rest: small data unlike ImageNet),
 * `scratch` (train everything from He-normal weights: large data unlike ImageNet) and `full` (fine-tune
 * everything from the pretrained weights: large data like ImageNet).
 */
export const SCENARIOS = ['head', 'partial', 'scratch', 'full'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Scenarios that train conv layers. */
export type ConvScenario = Exclude<Scenario, 'head'>;

function invalid(message: string): HeadstartError {
  return new HeadstartError('INVALID_OPTION', message);
}

/** Parses a scenario name, naming the allowed ones when it is unknown. */
export function parseScenario(value: string): Scenario {
  if ((SCENARIOS as readonly string[]).includes(value)) return value as Scenario;
  throw invalid(`Unknown scenario "${value}"; use ${formatChoices(SCENARIOS)}.`);
}

/** `block4` (or `4`) → 4, for a block the backbone has; INVALID_OPTION naming its blocks otherwise. */
export function parseTrainableFrom(value: string, spec: BackboneSpec): number {
  const names = spec.blocks.map((b) => b.name);
  const match = /^(?:block)?(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : NaN;
  if (!Number.isInteger(index) || index < 1 || index > names.length) {
    throw invalid(`Unknown block "${value}" for --trainable-from; ${spec.id} has ${formatChoices(names)}.`);
  }
  return index;
}

export interface ScenarioOptionsInput {
  scenario: Scenario;
  spec: BackboneSpec;
  /** Parsed --trainable-from (partial only); default the last block. */
  trainableFrom?: number;
  learningRate: number;
  /**
   * --lr-backbone; default learningRate / 100 for partial and full (pretrained weights to keep) and
   * learningRate / 10 for scratch. Adam moves every weight by about its rate each step whatever the
   * gradient's scale, so a conv's outputs move with rate × fan-in: VGG16's 4,608-input convs take ~1e-5
   * where a head takes 1e-3.
   */
  learningRateBackbone?: number;
  epochs: number;
  /** --warmup-epochs; default 1 for partial and full when epochs allow, 0 for scratch (a random base has nothing to protect). */
  warmupEpochs?: number;
  augment?: AugmentSpec;
}

/** Settings of a conv-training scenario with defaults applied, ready for planFinetune and trainFinetune. */
export interface ScenarioSettings {
  scenario: Scenario;
  /** First retrained block (1-based); 1 for scratch and full; blocks + 1 for head. */
  trainableFrom: number;
  learningRate: number;
  learningRateBackbone: number;
  warmupEpochs: number;
  augment: AugmentSpec;
}

/**
 * Applies the scenario's defaults and checks the combination, throwing INVALID_OPTION with one line for:
 * `--trainable-from` with a scenario other than partial, `partial` on a backbone with one block,
 * `--trainable-from block1` for partial, a learning rate ≤ 0, and augmentation or conv-training flags
 * with `head` (whose features come from the cache, so nothing could be augmented or fine-tuned).
 */
export function resolveScenarioOptions(options: ScenarioOptionsInput): ScenarioSettings {
  const { scenario, spec, learningRate, epochs } = options;
  const blocks = spec.blocks.length;
  checkLearningRate(learningRate, '--lr');
  if (options.learningRateBackbone !== undefined)
    checkLearningRate(options.learningRateBackbone, '--lr-backbone');
  const augment = options.augment ?? NO_AUGMENT;
  checkAugmentSpec({ spec: augment });
  if (scenario === 'head') {
    if (augments(augment)) {
      throw invalid(
        'augmentation needs a scenario that trains conv layers (partial, scratch or full); features for --scenario head come from the cache.',
      );
    }
    for (const [flag, value] of [
      ['--lr-backbone', options.learningRateBackbone],
      ['--warmup-epochs', options.warmupEpochs],
      ['--trainable-from', options.trainableFrom],
    ] as const) {
      if (value !== undefined)
        throw invalid(
          `${flag} needs a scenario that trains conv layers (partial, scratch or full); --scenario head trains the head only.`,
        );
    }
    return {
      scenario,
      trainableFrom: blocks + 1,
      learningRate,
      learningRateBackbone: learningRate,
      warmupEpochs: 0,
      augment,
    };
  }
  if (scenario !== 'partial' && options.trainableFrom !== undefined) {
    throw invalid(
      `--trainable-from applies to --scenario partial; --scenario ${scenario} retrains every block.`,
    );
  }
  let trainableFrom = 1;
  if (scenario === 'partial') {
    if (blocks < 2) {
      throw invalid(
        `--scenario partial needs blocks to freeze and blocks to retrain, but ${spec.id} has ${blocks} block; use --scenario full or scratch.`,
      );
    }
    trainableFrom = options.trainableFrom ?? blocks;
    if (trainableFrom === 1) {
      throw invalid(
        `--trainable-from block1 freezes nothing; use block2 … block${blocks}, or --scenario full.`,
      );
    }
  }
  const warmupEpochs = options.warmupEpochs ?? (scenario === 'scratch' || epochs < 2 ? 0 : 1);
  if (!Number.isInteger(warmupEpochs) || warmupEpochs < 0 || warmupEpochs >= epochs) {
    throw invalid(
      `--warmup-epochs ${warmupEpochs} must be a whole number below --epochs ${epochs}, or the conv blocks never train.`,
    );
  }
  const learningRateBackbone =
    options.learningRateBackbone ?? learningRate / (scenario === 'scratch' ? 10 : 100);
  return { scenario, trainableFrom, learningRate, learningRateBackbone, warmupEpochs, augment };
}

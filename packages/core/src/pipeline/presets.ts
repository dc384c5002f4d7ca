import { HeadstartError, formatChoices } from '../errors.ts';
import type { Pooling } from '../features/pooling.ts';

/** A named set of training defaults; any flag given explicitly overrides its value. */
export interface TrainPreset {
  name: string;
  /** One line shown when the preset is used, saying what it is for and what it costs. */
  summary: string;
  inputSize: number;
  pooling: Pooling;
  /** Head spec string, as `--head` takes it. */
  head: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  valSplit: number;
  seed: number;
  /** Standardise features before the head. */
  standardize: boolean;
}

/** The presets, by name. */
export const TRAIN_PRESETS = {
  quick: {
    name: 'quick',
    summary:
      'quick: 32×32 input, flattened features (block3 for random weights: 4,096; block5 for ImageNet: 512), standardised, MLP 256, 10 epochs — about a minute on a 2-core CPU. --preset tutorial reproduces the article (224×224, 25,088 features).',
    inputSize: 32,
    pooling: 'flatten',
    head: 'mlp:256@0.2',
    epochs: 10,
    batchSize: 128,
    learningRate: 1e-3,
    valSplit: 0.3,
    seed: 42,
    standardize: true,
  },
  tutorial: {
    name: 'tutorial',
    summary:
      'tutorial: the Keras VGG16 transfer-learning article — 224×224, flatten (25,088 features), MLP 1000-500-150 with dropout, Adam 1e-3, 20 epochs, batch 128, 70/30 split, seed 42.',
    inputSize: 224,
    pooling: 'flatten',
    head: 'tutorial',
    epochs: 20,
    batchSize: 128,
    learningRate: 1e-3,
    valSplit: 0.3,
    seed: 42,
    standardize: false,
  },
} as const satisfies Record<string, TrainPreset>;

export type PresetName = keyof typeof TRAIN_PRESETS;

/** Looks a preset up by name, naming the known ones when it is unknown. */
export function getTrainPreset(name: string): TrainPreset {
  const preset = (TRAIN_PRESETS as Record<string, TrainPreset>)[name];
  if (!preset) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Unknown preset "${name}"; use ${formatChoices(Object.keys(TRAIN_PRESETS))}.`,
    );
  }
  return preset;
}

import { HeadstartError } from '../errors.ts';
import { checkLabels } from '../head/feature-source.ts';
import { checkAugmentSpec, type AugmentSpec } from './augment.ts';
import { checkConvBlocks, type ConvBlockWeights } from './conv-block-weights.ts';
import type { MapSource } from './map-source.ts';

function fail(message: string): never {
  throw new HeadstartError('INVALID_OPTION', message);
}

/** Checks a learning rate: a finite number > 0, named by `what` in the message (`--lr-backbone`, …). */
export function checkLearningRate(rate: number, what = 'Learning rate'): void {
  if (!(rate > 0) || !Number.isFinite(rate)) fail(`${what} ${rate} must be a positive number.`);
}

/** Checks what trainFinetune is given, with defaults applied; INVALID_OPTION naming the bad value. */
export function validateFinetuneInputs(options: {
  train: MapSource;
  val: MapSource | undefined;
  blocks: readonly ConvBlockWeights[];
  numClasses: number;
  epochs: number;
  warmupEpochs: number;
  batchSize: number;
  learningRate: number;
  learningRateBackbone: number;
  patience: number | undefined;
  classWeights: Float32Array | undefined;
  augment: AugmentSpec;
}): void {
  const { train, val, blocks, numClasses, epochs, warmupEpochs, batchSize, patience, classWeights } = options;
  if (!Number.isInteger(epochs) || epochs < 1) fail(`Epochs ${epochs} must be a positive integer.`);
  if (!Number.isInteger(warmupEpochs) || warmupEpochs < 0)
    fail(`Warm-up epochs ${warmupEpochs} must be a whole number ≥ 0.`);
  if (warmupEpochs >= epochs) {
    fail(
      `Warm-up epochs ${warmupEpochs} must be fewer than epochs ${epochs}, or the conv blocks never train.`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1)
    fail(`Batch size ${batchSize} must be a positive integer.`);
  checkLearningRate(options.learningRate);
  checkLearningRate(options.learningRateBackbone, 'Backbone learning rate');
  if (patience !== undefined && (!Number.isInteger(patience) || patience < 1)) {
    fail(`Patience ${patience} must be a positive integer of epochs.`);
  }
  if (blocks.length === 0) fail('There are no conv blocks to train; use trainHead for a frozen backbone.');
  checkConvBlocks(blocks);
  const inChannels = blocks[0]?.convs[0]?.inChannels;
  if (inChannels !== train.shape[0]) {
    throw new HeadstartError(
      'BACKBONE_IO_MISMATCH',
      `Block ${blocks[0]?.name} reads ${inChannels} channels but the training inputs have ${train.shape[0]} ([${train.shape.join(', ')}]).`,
    );
  }
  if (train.count < 1) fail('There are no training samples.');
  if (classWeights && classWeights.length !== numClasses) {
    fail(`Class weights have ${classWeights.length} entries but there are ${numClasses} classes.`);
  }
  if (classWeights?.some((w) => !(w >= 0) || !Number.isFinite(w)))
    fail('Class weights must be finite and non-negative.');
  checkAugmentSpec({ spec: options.augment, shape: train.shape });
  checkLabels({ labels: train.labels, numClasses, what: 'Training' });
  if (val) {
    if (val.shape.join(',') !== train.shape.join(',')) {
      fail(
        `Validation inputs are [${val.shape.join(', ')}] but training inputs are [${train.shape.join(', ')}].`,
      );
    }
    checkLabels({ labels: val.labels, numClasses, what: 'Validation' });
  }
}

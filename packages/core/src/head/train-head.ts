import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { HeadstartError } from '../errors.ts';
import { createRandom, shuffleInPlace } from '../random.ts';
import { buildHead, headVariables } from './build-head.ts';
import { evaluateHead } from './evaluate-head.ts';
import { checkLabels, toFeatureSource, type FeatureInput, type FeatureSource } from './feature-source.ts';
import { applyStandardizer, fitStandardizer, type FeatureStandardizer } from './feature-standardizer.ts';
import { drawDropoutMasks } from './head-forward.ts';
import type { HeadSpec } from './head-spec.ts';
import { createAdamOptimizer } from '../tfjs/fused-adam.ts';
import { trainStep } from './train-step.ts';
import { createEventLoopYielder } from './event-loop-yielder.ts';

/** One finished epoch. Losses are mean cross-entropy; the training figures are measured with dropout. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  samplesPerSecond: number;
  durationMs: number;
}

export interface BatchProgress {
  epoch: number;
  /** 1-based within the epoch. */
  batch: number;
  batches: number;
  loss: number;
}

export interface TrainHeadOptions {
  train: FeatureInput;
  val?: FeatureInput;
  spec: HeadSpec;
  numClasses: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Stop after this many epochs without a lower validation loss (training loss without val), and restore the best. */
  patience?: number;
  /** Per-class loss weights (see balancedClassWeights); validation loss stays unweighted. */
  classWeights?: Float32Array;
  standardize?: boolean;
  /** When aborted, training stops after the current batch and returns the best weights so far. */
  signal?: AbortSignal;
  onEpoch?: (record: EpochRecord) => void;
  onBatch?: (progress: BatchProgress) => void;
}

export interface TrainHeadResult {
  /** The inference Sequential, holding the weights of `bestEpoch`; the caller disposes it. */
  model: tfl.Sequential;
  standardizer?: FeatureStandardizer;
  history: EpochRecord[];
  /** The epoch whose weights `model` holds: the best monitored one when patience is set or training was aborted, else the last; 0 when none finished. */
  bestEpoch: number;
  stoppedEarly: boolean;
  aborted: boolean;
}

/**
 * Trains a head with Adam on softmax cross-entropy in a hand-written loop: seeded shuffles and dropout
 * make a run reproducible, each step runs in its own tidy scope, and batches come from a FeatureSource so
 * features need not all be in memory.
 */
export async function trainHead(options: TrainHeadOptions): Promise<TrainHeadResult> {
  const { spec, numClasses, patience, classWeights, signal, onEpoch, onBatch } = options;
  const epochs = options.epochs ?? 20;
  const batchSize = options.batchSize ?? 128;
  const learningRate = options.learningRate ?? 1e-3;
  const seed = options.seed ?? 42;
  const train = toFeatureSource(options.train);
  const givenVal = options.val ? toFeatureSource(options.val) : undefined;
  const val = givenVal && givenVal.count > 0 ? givenVal : undefined;
  validate({ train, val, numClasses, epochs, batchSize, learningRate, patience, classWeights });

  const standardizer = (options.standardize ?? true) ? await fitStandardizer({ source: train }) : undefined;
  const model = buildHead({ spec, inputDim: train.dim, numClasses, seed });
  const variables = headVariables(model);
  const flatVariables = variables.flatMap((v) => [v.kernel, v.bias]);
  const optimizer = createAdamOptimizer({ learningRate });
  const shuffleRandom = createRandom(deriveSeed(seed, 1));
  const dropoutRandom = createRandom(deriveSeed(seed, 2));
  const keepBest = patience !== undefined || signal !== undefined;
  const order = Array.from({ length: train.count }, (_, i) => i);
  const batches = Math.ceil(train.count / batchSize);
  const history: EpochRecord[] = [];
  let best: { epoch: number; loss: number; weights?: tf.Tensor[] } = { epoch: 0, loss: Infinity };
  let stoppedEarly = false;
  let aborted = signal?.aborted ?? false;
  const yielder = createEventLoopYielder();

  try {
    for (let epoch = 1; epoch <= epochs && !aborted; epoch++) {
      const started = Date.now();
      shuffleInPlace(order, shuffleRandom);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        const indices = order.slice(b * batchSize, (b + 1) * batchSize);
        const raw = await train.getBatch(indices);
        const features = standardizer ? applyStandardizer({ standardizer, features: raw }) : raw;
        const labels = Int32Array.from(indices, (i) => train.labels[i] as number);
        const masks = drawDropoutMasks({ spec, batchSize: indices.length, random: dropoutRandom });
        const step = trainStep({
          spec,
          variables,
          flatVariables,
          optimizer,
          features,
          labels,
          masks,
          numClasses,
          classWeights,
        });
        lossSum += step.loss * indices.length;
        correct += step.correct;
        onBatch?.({ epoch, batch: b + 1, batches, loss: step.loss });
        await yielder.maybeYield();
        if (signal?.aborted) {
          aborted = true;
          break;
        }
      }
      if (aborted) break;
      const trainMs = Date.now() - started;
      const evaluation = val
        ? await evaluateHead({ spec, variables, source: val, numClasses, standardizer })
        : undefined;
      const record: EpochRecord = {
        epoch,
        loss: lossSum / train.count,
        accuracy: correct / train.count,
        ...(evaluation ? { valLoss: evaluation.loss, valAccuracy: evaluation.accuracy } : {}),
        samplesPerSecond: (train.count / Math.max(trainMs, 1)) * 1000,
        durationMs: Date.now() - started,
      };
      history.push(record);
      onEpoch?.(record);
      const monitored = record.valLoss ?? record.loss;
      if (monitored < best.loss) {
        disposeAll(best.weights);
        best = { epoch, loss: monitored, weights: keepBest ? snapshot(flatVariables) : undefined };
      } else if (patience !== undefined && epoch - best.epoch >= patience) {
        stoppedEarly = epoch < epochs;
        break;
      }
    }
    const restore = (patience !== undefined || aborted) && best.weights !== undefined;
    if (restore) flatVariables.forEach((v, i) => v.assign(best.weights?.[i] as tf.Tensor));
    const bestEpoch = restore ? best.epoch : (history[history.length - 1]?.epoch ?? 0);
    return { model, ...(standardizer ? { standardizer } : {}), history, bestEpoch, stoppedEarly, aborted };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    disposeAll(best.weights);
    optimizer.dispose();
  }
}

function snapshot(variables: tf.Variable[]): tf.Tensor[] {
  return variables.map((v) => tf.keep(v.clone()));
}

function disposeAll(tensors: tf.Tensor[] | undefined): void {
  tensors?.forEach((t) => t.dispose());
}

/** A seed for an independent stream, so shuffles, dropout and initial weights don't share draws. */
function deriveSeed(seed: number, stream: number): number {
  return createRandom((seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0).int(2 ** 32);
}

function validate(options: {
  train: FeatureSource;
  val: FeatureSource | undefined;
  numClasses: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number | undefined;
  classWeights: Float32Array | undefined;
}): void {
  const { train, val, numClasses, epochs, batchSize, learningRate, patience, classWeights } = options;
  const fail = (message: string): never => {
    throw new HeadstartError('INVALID_OPTION', message);
  };
  if (!Number.isInteger(epochs) || epochs < 1) fail(`Epochs ${epochs} must be a positive integer.`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    fail(`Batch size ${batchSize} must be a positive integer.`);
  if (!(learningRate > 0) || !Number.isFinite(learningRate))
    fail(`Learning rate ${learningRate} must be a positive number.`);
  if (patience !== undefined && (!Number.isInteger(patience) || patience < 1)) {
    fail(`Patience ${patience} must be a positive integer of epochs.`);
  }
  if (train.count < 1) fail('There are no training samples.');
  if (classWeights && classWeights.length !== numClasses) {
    fail(`Class weights have ${classWeights.length} entries but there are ${numClasses} classes.`);
  }
  if (classWeights?.some((w) => !(w >= 0) || !Number.isFinite(w)))
    fail('Class weights must be finite and non-negative.');
  checkLabels({ labels: train.labels, numClasses, what: 'Training' });
  if (val) {
    if (val.dim !== train.dim)
      fail(`Validation features have dim ${val.dim} but training features have ${train.dim}.`);
    checkLabels({ labels: val.labels, numClasses, what: 'Validation' });
  }
}

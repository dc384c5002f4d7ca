import * as tf from '@tensorflow/tfjs-core';
import { featureDimension, type Pooling } from '../features/pooling.ts';
import { buildHead, headVariables } from '../head/build-head.ts';
import { drawDropoutMasks } from '../head/head-forward.ts';
import type { HeadSpec } from '../head/head-spec.ts';
import type { BatchProgress, EpochRecord } from '../head/train-head.ts';
import { createRandom, shuffleInPlace } from '../random.ts';
import { augmentMaps, NO_AUGMENT, type AugmentSpec } from './augment.ts';
import { layoutOf, type ConvBlockWeights } from './conv-block-weights.ts';
import { convBlocksOutputShape, createConvBlocks, type ConvBlocks } from './conv-blocks.ts';
import { evaluateFinetune, type FinetuneModel } from './finetune-model.ts';
import { fitBlockStandardizer } from './finetune-standardizer.ts';
import { finetuneStep } from './finetune-step.ts';
import { validateFinetuneInputs } from './validate-finetune.ts';
import type { MapSource } from './map-source.ts';
import { createEventLoopYielder } from '../head/event-loop-yielder.ts';

/** One finished epoch; `warmup` epochs trained the head only. */
export interface FinetuneEpochRecord extends EpochRecord {
  phase: 'warmup' | 'finetune';
}

export interface TrainFinetuneOptions {
  /** Inputs of the trainable blocks: frozen-part maps (partial) or preprocessed images (scratch, full). */
  train: MapSource;
  val?: MapSource;
  /** Initial weights of the trainable blocks: readConvBlockWeights (partial, full) or heNormalConvBlocks (scratch). */
  blocks: readonly ConvBlockWeights[];
  spec: HeadSpec;
  numClasses: number;
  /** How the last block's maps become the head's input. Default `flatten` (C·H·W order). */
  pooling?: Pooling;
  /** All epochs, warm-up included. Default 10. */
  epochs?: number;
  /** Leading epochs that train the head only, so a random head does not wreck the blocks. Default 1 (0 when epochs is 1). */
  warmupEpochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam learning rate of the head. Default 1e-3. */
  learningRate?: number;
  /** Adam learning rate of the conv blocks. Default learningRate / 100 (see resolveScenarioOptions). */
  learningRateBackbone?: number;
  seed?: number;
  /** Stop after this many fine-tuning epochs without a lower validation loss (training loss without val), and restore the best. */
  patience?: number;
  classWeights?: Float32Array;
  /** Standardise pooled features with mean and std of the initial blocks' output on the training set, fixed thereafter. Default true. */
  standardize?: boolean;
  /** Applied to training batches only. Default none. */
  augment?: AugmentSpec;
  /** When aborted, training stops after the current batch and returns the best weights so far. */
  signal?: AbortSignal;
  onEpoch?: (record: FinetuneEpochRecord) => void;
  onBatch?: (progress: BatchProgress) => void;
}

export interface TrainFinetuneResult {
  /** Holds the weights of `bestEpoch`; the caller disposes it. */
  model: FinetuneModel;
  history: FinetuneEpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  aborted: boolean;
}

/** A seed for an independent stream, so shuffles, dropout, augmentation and head weights don't share draws. */
function deriveSeed(seed: number, stream: number): number {
  return createRandom((seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0).int(2 ** 32);
}

/**
 * Trains conv blocks and a head together (partial, scratch and full fine-tuning): Adam with one rate for
 * the head and a lower one for the blocks, head-only warm-up epochs, optional augmentation, early
 * stopping with the best weights restored, and batches streamed from `train` so memory stays flat.
 */
export async function trainFinetune(options: TrainFinetuneOptions): Promise<TrainFinetuneResult> {
  const { train, numClasses, patience, classWeights, signal, onEpoch, onBatch, spec } = options;
  const epochs = options.epochs ?? 10;
  const warmupEpochs = options.warmupEpochs ?? (epochs > 1 ? 1 : 0);
  const batchSize = options.batchSize ?? 32;
  const learningRate = options.learningRate ?? 1e-3;
  const learningRateBackbone = options.learningRateBackbone ?? learningRate / 100;
  const seed = options.seed ?? 42;
  const pooling = options.pooling ?? 'flatten';
  const augment = options.augment ?? NO_AUGMENT;
  const val = options.val && options.val.count > 0 ? options.val : undefined;
  const settings = { epochs, warmupEpochs, batchSize, learningRate, learningRateBackbone, patience, augment };
  validateFinetuneInputs({ ...settings, train, val, blocks: options.blocks, numClasses, classWeights });
  const outputShape = convBlocksOutputShape({ layouts: layoutOf(options.blocks), shape: train.shape });

  const head = buildHead({
    spec,
    inputDim: featureDimension(pooling, outputShape),
    numClasses,
    seed: deriveSeed(seed, 3),
  });
  let blocks: ConvBlocks;
  try {
    blocks = createConvBlocks({ weights: options.blocks });
  } catch (error) {
    head.dispose();
    throw error;
  }
  const model: FinetuneModel = {
    blocks,
    head: { model: head },
    headSpec: spec,
    pooling,
    inputShape: train.shape,
    dispose: () => {
      blocks.dispose();
      head.dispose();
    },
  };
  const headOptimizer = tf.train.adam(learningRate);
  const convOptimizer = tf.train.adam(learningRateBackbone);
  const headVars = headVariables(head);
  const headFlat = headVars.flatMap((v) => [v.kernel, v.bias]);
  const allVariables = [...headFlat, ...blocks.variables];
  const shuffleRandom = createRandom(deriveSeed(seed, 1));
  const dropoutRandom = createRandom(deriveSeed(seed, 2));
  const augmentRandom = createRandom(deriveSeed(seed, 4));
  const keepBest = patience !== undefined || signal !== undefined;
  const order = Array.from({ length: train.count }, (_, i) => i);
  const batches = Math.ceil(train.count / batchSize);
  const history: FinetuneEpochRecord[] = [];
  let best: { epoch: number; loss: number; weights?: tf.Tensor[] } = { epoch: 0, loss: Infinity };
  let stoppedEarly = false;
  let aborted = signal?.aborted ?? false;
  const yielder = createEventLoopYielder();

  try {
    if (options.standardize ?? true) {
      model.head = {
        model: head,
        standardizer: await fitBlockStandardizer({ model, source: train, batchSize }),
      };
    }
    for (let epoch = 1; epoch <= epochs && !aborted; epoch++) {
      const started = Date.now();
      const phase = epoch <= warmupEpochs ? 'warmup' : 'finetune';
      shuffleInPlace(order, shuffleRandom);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        const indices = order.slice(b * batchSize, (b + 1) * batchSize);
        const raw = await train.getBatch(indices);
        const data = augmentMaps({
          data: raw,
          count: indices.length,
          shape: train.shape,
          spec: augment,
          random: augmentRandom,
        });
        const step = finetuneStep({
          model,
          headVars,
          headVariables: headFlat,
          convVariables: phase === 'warmup' ? [] : blocks.variables,
          headOptimizer,
          convOptimizer,
          data,
          labels: Int32Array.from(indices, (i) => train.labels[i] as number),
          masks: drawDropoutMasks({ spec, batchSize: indices.length, random: dropoutRandom }),
          numClasses,
          ...(classWeights ? { classWeights } : {}),
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
        ? await evaluateFinetune({ model, source: val, numClasses, batchSize })
        : undefined;
      const record: FinetuneEpochRecord = {
        epoch,
        phase,
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
        tf.dispose(best.weights);
        best = {
          epoch,
          loss: monitored,
          ...(keepBest ? { weights: allVariables.map((v) => tf.keep(v.clone())) } : {}),
        };
      } else if (patience !== undefined && epoch - Math.max(best.epoch, warmupEpochs) >= patience) {
        // Patience counts from the end of warm-up: unfreezing the blocks deserves its own chance.
        stoppedEarly = epoch < epochs;
        break;
      }
    }
    const restore = (patience !== undefined || aborted) && best.weights !== undefined;
    if (restore) allVariables.forEach((v, i) => v.assign(best.weights?.[i] as tf.Tensor));
    const bestEpoch = restore ? best.epoch : (history[history.length - 1]?.epoch ?? 0);
    return { model, history, bestEpoch, stoppedEarly, aborted };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(best.weights);
    headOptimizer.dispose();
    convOptimizer.dispose();
  }
}

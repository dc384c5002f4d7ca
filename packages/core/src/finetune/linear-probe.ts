import { stratifiedSplit } from '../data/split.ts';
import { HeadstartError } from '../errors.ts';
import { trainHead } from '../head/train-head.ts';
import { gatherRows } from '../pipeline/gather-rows.ts';

export interface LinearProbeOptions {
  /** Frozen features, count × dim row-major (e.g. from the feature cache). */
  features: Float32Array;
  labels: Int32Array;
  dim: number;
  /** Default: the largest label + 1. */
  numClasses?: number;
  seed?: number;
  /** Share of each class held out. Default 0.3. */
  valFraction?: number;
  /** Default: enough for about PROBE_STEPS steps of batches of 64, from 5 to 100 (early stopping after 3 without improvement). */
  epochs?: number;
}

/** Adam steps a probe aims for: few epochs of a large dataset, many of a small one. */
export const PROBE_STEPS = 300;
const PROBE_BATCH = 64;

export interface LinearProbeResult {
  /** Accuracy of the linear head on the held-out split, at its best validation loss. */
  accuracy: number;
  /** 1 / classes: what guessing would score. */
  chance: number;
  trainCount: number;
  valCount: number;
}

/**
 * How well frozen features separate the classes: a linear softmax head (standardised inputs, Adam,
 * early stopping) trained on a stratified split and scored on the held-out part. A quick stand-in for
 * "is this data like what the backbone was trained on".
 */
export async function linearProbe(options: LinearProbeOptions): Promise<LinearProbeResult> {
  const { features, labels, dim, seed = 42 } = options;
  const numClasses = options.numClasses ?? labels.reduce((m, l) => Math.max(m, l), 0) + 1;
  if (numClasses < 2)
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `A linear probe needs at least 2 classes; there are ${numClasses}.`,
    );
  const split = stratifiedSplit({ labels, valFraction: options.valFraction ?? 0.3, seed });
  if (split.val.length === 0 || split.train.length === 0) {
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `${labels.length} samples are too few to hold some out for a linear probe.`,
    );
  }
  const part = (rows: number[]) => ({
    features: gatherRows({ matrix: features, dim, rows }),
    labels: Int32Array.from(rows, (r) => labels[r] as number),
    dim,
  });
  const result = await trainHead({
    train: part(split.train),
    val: part(split.val),
    spec: { kind: 'mlp', layers: [] },
    numClasses,
    epochs:
      options.epochs ??
      Math.min(100, Math.max(5, Math.ceil(PROBE_STEPS / Math.ceil(split.train.length / PROBE_BATCH)))),
    batchSize: PROBE_BATCH,
    learningRate: 1e-2,
    seed,
    patience: 3,
  });
  result.model.dispose();
  const best = result.history[result.bestEpoch - 1];
  return {
    accuracy: best?.valAccuracy ?? 0,
    chance: 1 / numClasses,
    trainCount: split.train.length,
    valCount: split.val.length,
  };
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { HeadstartError } from '../errors.ts';
import { createRandom } from '../random.ts';
import { headSpecSchema, type HeadSpec } from './head-spec.ts';

export interface BuildHeadOptions {
  spec: HeadSpec;
  inputDim: number;
  numClasses: number;
  /** Seeds the initial weights: the same seed gives the same weights on every platform. */
  seed: number;
}

/**
 * Builds the inference model of a head: a plain Sequential of Dense layers (hidden layers, then softmax),
 * with glorot-uniform kernels seeded per layer and zero biases. Dropout is not part of it — it is the
 * identity at inference and applied by the training loop — so its model.json loads with stock tf.js.
 */
export function buildHead(options: BuildHeadOptions): tfl.Sequential {
  const { inputDim, numClasses, seed } = options;
  const parsed = headSpecSchema.safeParse(options.spec);
  if (!parsed.success) {
    throw new HeadstartError(
      'HEAD_SPEC_INVALID',
      `Invalid head spec: ${parsed.error.issues[0]?.message ?? ''}.`,
    );
  }
  checkPositiveInt(inputDim, 'Head input dim');
  checkPositiveInt(numClasses, 'Number of classes');
  if (numClasses < 2) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `A classifier head needs at least 2 classes, got ${numClasses}.`,
    );
  }
  const seeds = createRandom(seed);
  const layerSeed = (): number => seeds.int(2 ** 31);
  const model = tfl.sequential({ name: 'head' });
  parsed.data.layers.forEach((layer, i) => {
    model.add(
      tfl.layers.dense({
        name: `hidden_${i + 1}`,
        units: layer.units,
        activation: layer.activation,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeed() }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [inputDim] } : {}),
      }),
    );
  });
  model.add(
    tfl.layers.dense({
      name: 'output',
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeed() }),
      biasInitializer: 'zeros',
      ...(parsed.data.layers.length === 0 ? { inputShape: [inputDim] } : {}),
    }),
  );
  return model;
}

function checkPositiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new HeadstartError('INVALID_OPTION', `${what} ${value} must be a positive integer.`);
  }
}

/** One Dense layer's variables, as the training loop reads them. */
export interface DenseVariables {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** The kernel and bias variables of every Dense layer of a head model, in order. */
export function headVariables(model: tfl.LayersModel): DenseVariables[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    if (!kernel || !bias || kernel.shape.length !== 2) {
      throw new HeadstartError('INTERNAL', `Head layer "${layer.name}" is not a Dense layer with a bias.`);
    }
    return { kernel, bias };
  });
}

/** Input width and class count of a head model. */
export function headShape(model: tfl.LayersModel): { inputDim: number; numClasses: number } {
  const layers = headVariables(model);
  const first = layers[0];
  const last = layers[layers.length - 1];
  if (!first || !last) throw new HeadstartError('INTERNAL', 'The head model has no layers.');
  return { inputDim: first.kernel.shape[0] as number, numClasses: last.kernel.shape[1] as number };
}

import type * as tfl from '@tensorflow/tfjs-layers';
import { HeadstartError, formatChoices } from '../errors.ts';
import { headVariables } from '../head/build-head.ts';
import type { FeatureStandardizer } from '../head/feature-standardizer.ts';
import type { HeadModel } from '../head/predict-head.ts';

/** Activations a head's Dense layers may end in, as ONNX ops can express them. */
export const EXPORTABLE_ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'linear', 'softmax'] as const;
export type ExportableActivation = (typeof EXPORTABLE_ACTIVATIONS)[number];

/** One Dense layer as plain data: kernel [inputs, units] row-major (tf.js' layout, Gemm's B), bias [units]. */
export interface DenseWeights {
  name: string;
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
  activation: ExportableActivation;
}

/** A head as plain data: the standardizer it sits behind, then its Dense layers (the last one softmax). */
export interface HeadWeights {
  standardizer?: FeatureStandardizer;
  layers: DenseWeights[];
}

function activationOf(layer: tfl.layers.Layer): ExportableActivation {
  const activation = String((layer.getConfig() as { activation?: unknown }).activation ?? 'linear');
  if (!(EXPORTABLE_ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `Head layer "${layer.name}" uses activation "${activation}"; ONNX export supports ${formatChoices(EXPORTABLE_ACTIVATIONS)}.`,
    );
  }
  return activation as ExportableActivation;
}

/** Reads a head model's Dense weights and activations (and its standardizer) into plain arrays. */
export function readHeadWeights(head: HeadModel): HeadWeights {
  const variables = headVariables(head.model);
  const layers = head.model.layers.map((layer, i): DenseWeights => {
    const v = variables[i];
    if (!v) throw new HeadstartError('INTERNAL', `Head layer "${layer.name}" has no weights.`);
    const [inputs, units] = v.kernel.shape as [number, number];
    return {
      name: layer.name,
      inputs,
      units,
      kernel: Float32Array.from(v.kernel.dataSync() as Float32Array),
      bias: Float32Array.from(v.bias.dataSync() as Float32Array),
      activation: activationOf(layer),
    };
  });
  const last = layers[layers.length - 1];
  if (!last || last.activation !== 'softmax') {
    throw new HeadstartError('BUNDLE_INVALID', 'The head model does not end in a softmax Dense layer.');
  }
  return { ...(head.standardizer ? { standardizer: head.standardizer } : {}), layers };
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { HeadstartError } from '../errors.ts';

/** Name of the one weights file model.json points at, beside it. */
export const HEAD_WEIGHTS_FILE = 'weights.bin';

/** A head in the standard tfjs layers-model format: model.json and the bytes of its one weights file. */
export interface HeadArtifacts {
  modelJson: tf.io.ModelJSON;
  weightsBin: Uint8Array;
}

/** Serialises a head model through a tf.io save handler (nothing touches storage). */
export async function saveHeadArtifacts(options: { model: tfl.LayersModel }): Promise<HeadArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await options.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!captured?.modelTopology || !captured.weightSpecs || captured.weightData === undefined) {
    throw new HeadstartError('INTERNAL', 'Saving the head produced no topology or weights.');
  }
  const weightsBin = new Uint8Array(tf.io.CompositeArrayBuffer.join(captured.weightData));
  const modelJson: tf.io.ModelJSON = {
    modelTopology: captured.modelTopology,
    format: captured.format ?? 'layers-model',
    generatedBy: captured.generatedBy ?? '',
    convertedBy: captured.convertedBy ?? null,
    weightsManifest: [{ paths: [HEAD_WEIGHTS_FILE], weights: captured.weightSpecs }],
  };
  return { modelJson, weightsBin };
}

/** Weight file paths a model.json lists, in the order their bytes are concatenated. */
export function weightPathsOf(modelJson: tf.io.ModelJSON): string[] {
  return modelJson.weightsManifest.flatMap((group) => group.paths);
}

/**
 * Loads a head saved by saveHeadArtifacts (or any layers-model JSON): `weightsBin` holds the bytes of
 * every path the manifest lists, concatenated in order.
 */
export async function loadHeadArtifacts(options: {
  modelJson: unknown;
  weightsBin: Uint8Array;
}): Promise<tfl.LayersModel> {
  const modelJson = checkHeadModelJson(options.modelJson);
  const weightData = options.weightsBin.slice().buffer;
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => [
      tf.io.getWeightSpecs(manifest),
      weightData,
    ]);
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `The head model could not be loaded: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Checks that parsed JSON has the shape of a layers-model model.json (BUNDLE_INVALID otherwise). */
export function checkHeadModelJson(value: unknown): tf.io.ModelJSON {
  const json = value as Partial<tf.io.ModelJSON> | null;
  const manifestOk =
    Array.isArray(json?.weightsManifest) &&
    json.weightsManifest.every((group) => Array.isArray(group?.paths) && Array.isArray(group.weights));
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || !manifestOk) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      'The head model.json is not a tfjs layers model (it needs modelTopology and weightsManifest).',
    );
  }
  return json as tf.io.ModelJSON;
}

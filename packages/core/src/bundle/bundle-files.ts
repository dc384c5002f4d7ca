import { HeadstartError, isHeadstartError } from '../errors.ts';
import { headShape } from '../head/build-head.ts';
import { standardizerFromBytes, standardizerToBytes } from '../head/feature-standardizer.ts';
import {
  checkHeadModelJson,
  loadHeadArtifacts,
  saveHeadArtifacts,
  weightPathsOf,
} from '../head/head-artifacts.ts';
import type { HeadModel } from '../head/predict-head.ts';
import type { EpochRecord } from '../head/train-head.ts';
import { parseManifest, type BundleManifest } from './manifest.ts';

/** Paths of the files in a bundle, relative to its root. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  model: 'head/model.json',
  weights: 'head/weights.bin',
  standardizer: 'head/standardizer.bin',
  metrics: 'metrics.json',
  history: 'history.json',
} as const;

/** Where a bundle is written: a directory, a zip, IndexedDB, memory. */
export interface BundleWriter {
  write(path: string, data: Uint8Array | string): Promise<void> | void;
}

/** Where a bundle is read from. `read` rejects with PATH_NOT_FOUND for a file that is not there. */
export interface BundleReader {
  read(path: string): Promise<Uint8Array>;
}

/** Evaluation figures stored beside the model (classification reports and the like), as JSON. */
export type BundleMetrics = Record<string, unknown>;

export interface BundleContents {
  manifest: BundleManifest;
  head: HeadModel;
  metrics?: BundleMetrics;
  history?: EpochRecord[];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Checks that the head agrees with what the manifest says of it. */
function checkConsistent(manifest: BundleManifest, head: HeadModel): void {
  const { inputDim, numClasses } = headShape(head.model);
  const problems: string[] = [];
  if (inputDim !== manifest.featureDim)
    problems.push(`the head takes ${inputDim} features but featureDim is ${manifest.featureDim}`);
  if (numClasses !== manifest.labels.length)
    problems.push(`the head has ${numClasses} outputs for ${manifest.labels.length} labels`);
  if (manifest.head.standardized !== (head.standardizer !== undefined)) {
    problems.push(
      `head.standardized is ${manifest.head.standardized} but a standardizer is ${head.standardizer ? '' : 'not '}present`,
    );
  }
  if (manifest.head.standardized !== (manifest.head.files.standardizer !== undefined)) {
    problems.push('head.files.standardizer must be given exactly when head.standardized is true');
  }
  if (head.standardizer && head.standardizer.mean.length !== inputDim) {
    problems.push(`the standardizer has ${head.standardizer.mean.length} features for a head of ${inputDim}`);
  }
  if (problems.length > 0)
    throw new HeadstartError('BUNDLE_INVALID', `Inconsistent bundle: ${problems.join('; ')}.`);
}

/** Writes every file of a bundle through `writer`, manifest last so a partial bundle lacks it. */
export async function writeBundle(options: BundleContents & { writer: BundleWriter }): Promise<void> {
  const { writer, head, metrics, history } = options;
  const manifest = parseManifest(options.manifest);
  checkConsistent(manifest, head);
  const { modelJson, weightsBin } = await saveHeadArtifacts({ model: head.model });
  await writer.write(BUNDLE_FILES.model, json(modelJson));
  await writer.write(BUNDLE_FILES.weights, weightsBin);
  if (head.standardizer)
    await writer.write(BUNDLE_FILES.standardizer, standardizerToBytes(head.standardizer));
  if (metrics) await writer.write(BUNDLE_FILES.metrics, json(metrics));
  if (history) await writer.write(BUNDLE_FILES.history, json(history));
  await writer.write(BUNDLE_FILES.manifest, json(manifest));
}

const decoder = new TextDecoder();

function parseJsonFile(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new HeadstartError('BUNDLE_INVALID', `${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function readOptional(reader: BundleReader, path: string): Promise<Uint8Array | undefined> {
  try {
    return await reader.read(path);
  } catch (error) {
    if (isHeadstartError(error, 'PATH_NOT_FOUND')) return undefined;
    throw error;
  }
}

/** A weights path from model.json, resolved inside head/; anything escaping it is refused. */
function weightsPath(path: string): string {
  if (
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.split('/').some((p) => p === '..' || p === '.')
  ) {
    throw new HeadstartError('BUNDLE_INVALID', `head/model.json lists weights path "${path}" outside head/.`);
  }
  return `head/${path}`;
}

/**
 * Reads and validates a bundle: manifest schema, head model and standardizer, and — when
 * `backboneSha256` is given — that the bundle was made for that backbone (BUNDLE_BACKBONE_MISMATCH).
 * The caller disposes `head.model`.
 */
export async function loadBundle(options: {
  reader: BundleReader;
  backboneSha256?: string;
}): Promise<BundleContents> {
  const { reader, backboneSha256 } = options;
  const manifestBytes = await readOptional(reader, BUNDLE_FILES.manifest);
  if (!manifestBytes)
    throw new HeadstartError('BUNDLE_INVALID', 'This is not a model bundle: manifest.json is missing.');
  const manifest = parseManifest(parseJsonFile(manifestBytes, BUNDLE_FILES.manifest));
  if (backboneSha256 !== undefined && backboneSha256.toLowerCase() !== manifest.backbone.sha256) {
    throw new HeadstartError(
      'BUNDLE_BACKBONE_MISMATCH',
      `The bundle was trained on backbone ${manifest.backbone.id} with sha256 ${manifest.backbone.sha256}, but the backbone given has sha256 ${backboneSha256}.`,
    );
  }
  const modelJson = checkHeadModelJson(
    parseJsonFile(await reader.read(manifest.head.files.model), manifest.head.files.model),
  );
  const paths = weightPathsOf(modelJson);
  const parts = await Promise.all(paths.map((p) => reader.read(weightsPath(p))));
  const weightsBin = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  parts.reduce((offset, part) => (weightsBin.set(part, offset), offset + part.byteLength), 0);
  const model = await loadHeadArtifacts({ modelJson, weightsBin });
  try {
    const standardizerFile = manifest.head.files.standardizer;
    const standardizer = standardizerFile
      ? standardizerFromBytes({ bytes: await reader.read(standardizerFile), dim: manifest.featureDim })
      : undefined;
    const head: HeadModel = { model, ...(standardizer ? { standardizer } : {}) };
    checkConsistent(manifest, head);
    const metricsBytes = await readOptional(reader, BUNDLE_FILES.metrics);
    const historyBytes = await readOptional(reader, BUNDLE_FILES.history);
    return {
      manifest,
      head,
      ...(metricsBytes
        ? { metrics: parseJsonFile(metricsBytes, BUNDLE_FILES.metrics) as BundleMetrics }
        : {}),
      ...(historyBytes
        ? { history: parseJsonFile(historyBytes, BUNDLE_FILES.history) as EpochRecord[] }
        : {}),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

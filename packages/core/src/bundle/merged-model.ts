import { z } from 'zod';
import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { sha256Hex } from '../backbone/sha256.ts';
import { HeadstartError } from '../errors.ts';
import { bundleManifestSchema, parseManifest, type BundleManifest } from './manifest.ts';
import type { BundleReader } from './bundle-files.ts';

/** Files of a merged export (`export --format onnx`): one graph and its description. */
export const MERGED_MODEL_FILES = { graph: 'model.onnx', description: 'model.json' } as const;

/** Marks a model.json as a Headstart merged graph's description. */
export const MERGED_MODEL_FORMAT = 'headstart-merged-onnx';

/**
 * model.json of a merged export: what any ONNX runtime needs (input and output names and shapes, labels,
 * preprocessing) plus the manifest of the bundle it came from, so Headstart serves it like that bundle.
 */
export const mergedModelDescriptionSchema = z.object({
  format: z.literal(MERGED_MODEL_FORMAT),
  formatVersion: z.literal(1),
  model: z.string().min(1),
  input: z.object({
    name: z.string().min(1),
    layout: z.enum(['nchw', 'nhwc']),
    shape: z.tuple([z.literal('N'), z.int(), z.int(), z.int()]),
  }),
  output: z.object({ name: z.string().min(1), shape: z.tuple([z.literal('N'), z.int().min(2)]) }),
  labels: z.array(z.string().min(1)).min(2),
  preprocess: bundleManifestSchema.shape.preprocess,
  /** sha256 of model.onnx. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bundle: z.unknown(),
});

export type MergedModelDescription = z.infer<typeof mergedModelDescriptionSchema> & {
  bundle: BundleManifest;
};

/** The description written beside a merged graph. */
export function describeMergedModel(options: {
  manifest: BundleManifest;
  inputName: string;
  outputName: string;
  numClasses: number;
  sha256: string;
}): MergedModelDescription {
  const { manifest } = options;
  const side = manifest.preprocess.inputSize;
  return {
    format: MERGED_MODEL_FORMAT,
    formatVersion: 1,
    model: manifest.id,
    input: {
      name: options.inputName,
      layout: manifest.preprocess.layout,
      shape: manifest.preprocess.layout === 'nchw' ? ['N', 3, side, side] : ['N', side, side, 3],
    },
    output: { name: options.outputName, shape: ['N', options.numClasses] },
    labels: manifest.labels,
    preprocess: manifest.preprocess,
    sha256: options.sha256,
    bundle: manifest,
  };
}

/** Parses a model.json, refusing anything that is not a merged graph's description in one line. */
export function parseMergedModelDescription(json: unknown): MergedModelDescription {
  const parsed = mergedModelDescriptionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `model.json is not a Headstart merged-graph description (${issue?.path.join('.') || 'root'}: ${issue?.message}).`,
    );
  }
  const bundle = parseManifest(parsed.data.bundle);
  if (bundle.labels.join('\n') !== parsed.data.labels.join('\n')) {
    throw new HeadstartError('BUNDLE_INVALID', 'model.json lists other labels than its bundle manifest.');
  }
  return { ...parsed.data, bundle };
}

/** A merged graph read and verified: its description and the graph's bytes. */
export interface MergedModel {
  description: MergedModelDescription;
  graph: Uint8Array;
}

/** True when `reader` holds a merged export (a Headstart model.json beside model.onnx). */
export async function isMergedModel(reader: BundleReader): Promise<boolean> {
  try {
    const json = JSON.parse(new TextDecoder().decode(await reader.read(MERGED_MODEL_FILES.description)));
    return (json as { format?: unknown }).format === MERGED_MODEL_FORMAT;
  } catch {
    // Missing, unreadable or not JSON: not a merged graph; the bundle loader then says what is wrong.
    return false;
  }
}

/** Reads and parses a merged export's model.json. */
export async function readMergedModelDescription(reader: BundleReader): Promise<MergedModelDescription> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await reader.read(MERGED_MODEL_FILES.description)));
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new HeadstartError('BUNDLE_INVALID', `model.json is not valid JSON: ${error.message}`);
    throw error;
  }
  return parseMergedModelDescription(json);
}

/**
 * Checks a merged graph's bytes against the sha256 its description gives (CHECKSUM_MISMATCH otherwise).
 * `sha256Hex` may be asynchronous, e.g. WebCrypto's, which pages need for graphs of hundreds of MB.
 */
export async function verifyMergedGraph(options: {
  description: MergedModelDescription;
  graph: Uint8Array;
  sha256Hex?: (bytes: Uint8Array) => string | Promise<string>;
}): Promise<void> {
  const actual = await (options.sha256Hex ?? sha256Hex)(options.graph);
  const expected = options.description.sha256;
  if (actual !== expected) {
    throw new HeadstartError(
      'CHECKSUM_MISMATCH',
      `model.onnx has sha256 ${actual}, but model.json says ${expected}: the graph was changed or damaged.`,
    );
  }
}

/** Reads a merged export and checks the graph against the sha256 its description gives. */
export async function loadMergedModel(options: { reader: BundleReader }): Promise<MergedModel> {
  const description = await readMergedModelDescription(options.reader);
  const graph = await options.reader.read(MERGED_MODEL_FILES.graph);
  await verifyMergedGraph({ description, graph });
  return { description, graph };
}

/**
 * The merged graph seen as a backbone whose "features" are the class probabilities ([classes, 1, 1] per
 * image), so extraction, caching and batching serve it unchanged with no head after it.
 */
export function mergedBackboneSpec(model: MergedModel): BackboneSpec {
  const { description } = model;
  const classes = description.output.shape[1];
  return {
    id: `${description.bundle.backbone.id}+head`,
    arch: 'custom',
    inputName: description.input.name,
    layout: description.input.layout,
    normalization: description.bundle.preprocess.channelOrder === 'bgr' ? 'caffe' : 'torch',
    blocks: [],
    outputName: description.output.name,
    outputChannels: classes,
    // The whole input collapses to one "pixel" of `classes` channels.
    downsample: description.preprocess.inputSize,
    minInputSize: description.preprocess.inputSize,
    weights: description.bundle.backbone.weights,
    ...(description.bundle.backbone.seed !== undefined ? { seed: description.bundle.backbone.seed } : {}),
    parameterCount: description.bundle.backbone.parameterCount,
    sha256: description.sha256,
  };
}

import { z } from 'zod';
import { HeadstartError } from '../errors.ts';
import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import { headSpecSchema } from '../head/head-spec.ts';

/** The manifest schema this Headstart writes and the newest it reads. */
export const BUNDLE_SCHEMA_VERSION = 1;

const positiveInt = z.int().min(1);
const count = z.int().min(0);

const preprocessSchema = z.object({
  inputSize: positiveInt,
  resize: z.literal('bilinear'),
  channelOrder: z.enum(['rgb', 'bgr']),
  layout: z.enum(['nchw', 'nhwc']),
  scale: z.number().positive(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
}) satisfies z.ZodType<PreprocessSpec>;

/**
 * A model bundle's manifest: everything needed to reproduce predictions — which backbone (by hash), how
 * pixels become its input, how its output is pooled, the head and its labels — plus how it was trained.
 */
export const bundleManifestSchema = z.object({
  schemaVersion: z.literal(BUNDLE_SCHEMA_VERSION),
  id: z.string().min(1),
  /** ISO 8601. */
  createdAt: z.iso.datetime({ offset: true }),
  backbone: z.object({
    id: z.string().min(1),
    arch: z.string().min(1),
    /** Path relative to the bundle, absolute path, or a cache reference. */
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits'),
    weights: z.enum(['imagenet', 'random']),
    seed: z.int().optional(),
    parameterCount: count,
  }),
  preprocess: preprocessSchema,
  pooling: z.enum(['flatten', 'avg', 'max']),
  featureDim: positiveInt,
  labels: z
    .array(z.string().min(1))
    .min(2)
    .refine((labels) => new Set(labels).size === labels.length, 'labels must be unique'),
  head: z.object({
    spec: headSpecSchema,
    standardized: z.boolean(),
    files: z.object({
      model: z.literal('head/model.json'),
      standardizer: z.literal('head/standardizer.bin').optional(),
    }),
  }),
  training: z.object({
    epochs: positiveInt,
    batchSize: positiveInt,
    learningRate: z.number().positive(),
    seed: z.int(),
    valSplit: z.number().min(0).lt(1),
    /** Share held out as a test set when the dataset has none of its own. */
    testSplit: z.number().gt(0).lt(1).optional(),
    patience: positiveInt.optional(),
    /** `balanced`, or one weight per label. */
    classWeights: z.union([z.literal('balanced'), z.array(z.number().min(0))]).optional(),
    preset: z.string().optional(),
    bestEpoch: count,
    stoppedEarly: z.boolean(),
  }),
  data: z.object({
    source: z.string().min(1),
    fingerprint: z.string().min(1),
    trainCount: count,
    valCount: count,
    testCount: count.optional(),
  }),
  /** Versions of the software that wrote the bundle (headstart, tfjs, onnxruntime, …). */
  versions: z.record(z.string(), z.string()),
  /**
   * How the backbone was used. Fine-tuned bundles (partial, scratch, full) carry their merged conv base as
   * `backbone.onnx`, named by `backbone.sha256`, so every reader serves the retrained blocks — a reader
   * that ignores this field still runs the right graph.
   */
  scenario: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('frozen') }),
      z.object({
        kind: z.enum(['partial', 'scratch', 'full']),
        /** First retrained block, 1-based. */
        trainableFrom: positiveInt,
        /** The backbone training started from; `backbone` is the conv base with the retrained blocks merged in. */
        base: z.object({ id: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
        warmupEpochs: count,
        learningRateBackbone: z.number().positive(),
        augment: z.object({ shift: count, flip: z.boolean() }),
      }),
    ])
    .optional(),
});

export type BundleManifest = z.infer<typeof bundleManifestSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Validates a manifest (parsed JSON or its text). A schemaVersion newer than this Headstart's gives
 * BUNDLE_SCHEMA_TOO_NEW; anything else wrong gives BUNDLE_INVALID naming the field.
 */
export function parseManifest(json: unknown): BundleManifest {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new HeadstartError(
        'BUNDLE_INVALID',
        `manifest.json is not valid JSON: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > BUNDLE_SCHEMA_VERSION) {
    throw new HeadstartError(
      'BUNDLE_SCHEMA_TOO_NEW',
      `bundle schema ${version} is newer than this Headstart supports (${BUNDLE_SCHEMA_VERSION}); upgrade Headstart.`,
    );
  }
  const result = bundleManifestSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const details = issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  throw new HeadstartError('BUNDLE_INVALID', `Invalid bundle manifest: ${details}${more}.`, {
    cause: result.error,
  });
}

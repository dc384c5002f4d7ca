import { z } from 'zod';
import { HeadstartError } from '../errors.ts';
import type { BackboneSpec } from './backbone-spec.ts';
import { NORMALIZATION_MODES } from './preprocess-spec.ts';

const blockSchema = z.object({
  name: z.string().min(1),
  convs: z.array(z.string()),
  channels: z.number().int().positive(),
  output: z.string().min(1),
});

/** Schema of a BackboneSpec as stored beside its graph (`<id>.json`). */
export const backboneSpecSchema = z.object({
  id: z.string().min(1),
  arch: z.string().min(1),
  inputName: z.string().min(1),
  layout: z.enum(['nchw', 'nhwc']),
  normalization: z.enum(NORMALIZATION_MODES),
  blocks: z.array(blockSchema).min(1),
  outputName: z.string().min(1),
  outputChannels: z.number().int().positive(),
  downsample: z.number().int().positive(),
  minInputSize: z.number().int().positive(),
  weights: z.enum(['imagenet', 'random']),
  seed: z.number().int().optional(),
  parameterCount: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * Validates parsed JSON as a BackboneSpec; `source` (a file name) is named in the BACKBONE_INVALID error
 * together with the first offending field.
 */
export function parseBackboneSpec(value: unknown, source = 'The backbone spec'): BackboneSpec {
  const result = backboneSpecSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `field "${issue.path.join('.')}"` : 'its top level';
    throw new HeadstartError(
      'BACKBONE_INVALID',
      `${source} is not a valid backbone spec: ${where}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return result.data;
}

import type { Command } from 'commander';
import pc from 'picocolors';
import {
  DEVICES,
  HeadstartError,
  parseNormalizationMode,
  parsePooling,
  type Device,
  type Pooling,
} from '@headstart/core';
import { openFeatureBackbone, type FeatureBackbone } from '@headstart/core/node';
import { note, type CliContext } from '../context.ts';
import { createPullProgress } from '../ui/pull-progress.ts';
import { parseChoice, parseInteger } from '../ui/parse-options.ts';

/** Flags shared by every command that runs a backbone. */
export interface BackboneFlags {
  backbone: string;
  weights?: string;
  backboneSeed: string;
  preprocess?: string;
  inputSize?: string;
  pooling?: string;
  featuresFrom?: string;
  device: string;
  threads?: string;
}

/** Adds the backbone flags to `command`. Input size, pooling and block default per command or preset. */
export function addBackboneOptions(command: Command): Command {
  return command
    .option('--backbone <ref>', 'vgg16, vgg19, vgg11, vgg13, a cached id, or a path to a VGG .onnx', 'vgg16')
    .option(
      '--weights <kind>',
      'auto (ImageNet when cached or reachable, else seeded random), imagenet or random',
    )
    .option('--backbone-seed <n>', 'seed of random backbone weights', '42')
    .option(
      '--preprocess <mode>',
      'normalisation of an .onnx backbone without a sidecar spec: caffe or torch',
    )
    .option('--input-size <px>', 'side of the square input (32 or more)')
    .option('--pooling <kind>', 'flatten, avg or max')
    .option(
      '--features-from <block>',
      'take features after this block, e.g. block3 (default: the last; auto picks per weights)',
    )
    .option(
      '--device <device>',
      `where the backbone runs: ${DEVICES.filter((d) => d !== 'wasm').join(', ')}`,
      'cpu',
    )
    .option('--threads <n>', 'CPU threads for ONNX Runtime (default: all cores)');
}

/** Parses `blockN` / `N` / `auto` / `last` into a block number, `auto` or undefined (the last). */
export function parseFeaturesFrom(value: string | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'last') return undefined;
  if (value === 'auto') return 'auto';
  const match = /^(?:block)?(\d+)$/.exec(value);
  if (!match)
    throw new HeadstartError(
      'INVALID_OPTION',
      `Invalid --features-from "${value}"; use block1 … block5, auto or last.`,
    );
  return Number(match[1]);
}

/** Opens the backbone the flags describe, warning loudly when it falls back to random weights. */
export async function openBackboneFromFlags(
  ctx: CliContext,
  flags: BackboneFlags,
  resolved: { inputSize: number; block?: number | 'auto' },
): Promise<FeatureBackbone> {
  const weights =
    flags.weights === undefined
      ? 'auto'
      : parseChoice('--weights', flags.weights, ['auto', 'imagenet', 'random'] as const);
  const device = parseChoice(
    '--device',
    flags.device,
    DEVICES.filter((d) => d !== 'wasm'),
  ) as Device;
  return openFeatureBackbone({
    ref: flags.backbone,
    weights,
    seed: parseInteger('--backbone-seed', flags.backboneSeed),
    ...(flags.preprocess ? { normalization: parseNormalizationMode(flags.preprocess) } : {}),
    inputSize: resolved.inputSize,
    ...(resolved.block !== undefined ? { block: resolved.block } : {}),
    device,
    ...(flags.threads ? { threads: parseInteger('--threads', flags.threads, { min: 1, max: 256 }) } : {}),
    onWarning: (message) => note(ctx, pc.bold(pc.yellow(message))),
    onProgress: createPullProgress(ctx),
  });
}

/** Input size and pooling from flags, else the given defaults. */
export function inputAndPooling(flags: BackboneFlags, defaults: { inputSize: number; pooling: Pooling }) {
  return {
    inputSize: flags.inputSize
      ? parseInteger('--input-size', flags.inputSize, { min: 32, max: 4096 })
      : defaults.inputSize,
    pooling: flags.pooling ? parsePooling(flags.pooling) : defaults.pooling,
  };
}

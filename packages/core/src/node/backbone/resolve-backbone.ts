import { buildVggOnnx } from '../../backbone/build-vgg-onnx.ts';
import type { NormalizationMode } from '../../backbone/preprocess-spec.ts';
import {
  VGG_ARCHITECTURE_IDS,
  backboneId,
  getVggArchitecture,
  isVggArchitectureId,
} from '../../backbone/vgg-architectures.ts';
import { HeadstartError, formatChoices } from '../../errors.ts';
import type { FetchImpl } from './download.ts';
import { PULLABLE_BACKBONES, isPullable } from './keras-sources.ts';
import {
  findBackbone,
  listBackbones,
  loadBackbone,
  saveBackbone,
  type ResolvedBackbone,
  type StoreOptions,
} from './model-store.ts';
import { loadOnnxFileBackbone } from './onnx-file-backbone.ts';
import { pullBackbone, type PullProgress } from './pull-backbone.ts';

/** Seed of random weights when none is given. */
export const DEFAULT_BACKBONE_SEED = 42;

/**
 * Builds seeded random (He-normal) weights for `arch` and stores them as `<arch>-random-s<seed>`. The
 * result is the same for the same arch and seed on every machine.
 */
export async function buildBackbone(
  options: StoreOptions & { arch: string; seed?: number },
): Promise<ResolvedBackbone> {
  const seed = options.seed ?? DEFAULT_BACKBONE_SEED;
  const { bytes, spec } = buildVggOnnx({
    arch: getVggArchitecture(options.arch),
    weights: { kind: 'random', seed },
  });
  const info = await saveBackbone({ ...options, bytes, spec });
  return { path: info.onnxPath, bytes, spec };
}

export interface ResolveBackboneOptions extends StoreOptions {
  /** An architecture id (`vgg16`, `vgg19`, `vgg16-micro`, …), a stored id, or a path to an .onnx file. */
  ref: string;
  /**
   * `imagenet`: stored ImageNet weights, pulled when missing, else WEIGHTS_UNAVAILABLE. `random`: seeded
   * random weights. `auto` (default): ImageNet when it can be had, else random weights announced through
   * onWarning — without an onWarning, `auto` fails like `imagenet` rather than fall back silently.
   */
  weights?: 'auto' | 'imagenet' | 'random';
  /** Seed of random weights (default 42). */
  seed?: number;
  /** Preprocessing of an .onnx file without a sidecar spec. */
  normalization?: NormalizationMode;
  onWarning?: (message: string) => void;
  /** No network; defaults to HEADSTART_OFFLINE=1 in the environment. */
  offline?: boolean;
  fetchImpl?: FetchImpl;
  onProgress?: (progress: PullProgress) => void;
  /** How long a pull waits for the server to answer (default 10 s). */
  connectTimeoutMs?: number;
}

function looksLikePath(ref: string): boolean {
  return /\.onnx$/i.test(ref) || ref.includes('/') || ref.includes('\\');
}

async function randomBackbone(options: ResolveBackboneOptions, arch: string): Promise<ResolvedBackbone> {
  const seed = options.seed ?? DEFAULT_BACKBONE_SEED;
  const id = backboneId({ arch, weights: 'random', seed });
  if (await findBackbone({ ...options, id })) return loadBackbone({ ...options, id });
  return buildBackbone({ ...options, arch, seed });
}

/** Why ImageNet weights for `ref` cannot be had, after trying to pull them where that is possible. */
async function tryPull(options: ResolveBackboneOptions): Promise<string | undefined> {
  const { ref } = options;
  if (!isPullable(ref))
    return `none are published for ${ref} (only for ${formatChoices(PULLABLE_BACKBONES)})`;
  const offline = options.offline ?? process.env.HEADSTART_OFFLINE === '1';
  if (offline) return 'offline: HEADSTART_OFFLINE=1';
  try {
    await pullBackbone({
      ...(options.home ? { home: options.home } : {}),
      id: ref,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return undefined;
  } catch (error) {
    return `the download failed: ${(error as Error).message.replace(/\.+$/, '')}`;
  }
}

/**
 * Finds or makes the backbone `ref` names, per `weights`, and returns its verified graph and spec. Stored
 * graphs are checked against their spec's sha256 (CACHE_CORRUPT).
 */
export async function resolveBackbone(options: ResolveBackboneOptions): Promise<ResolvedBackbone> {
  const { ref } = options;
  const weights = options.weights ?? 'auto';
  if (looksLikePath(ref)) {
    return loadOnnxFileBackbone({
      path: ref,
      weights: weights === 'random' ? 'random' : 'imagenet',
      ...(options.normalization ? { normalization: options.normalization } : {}),
    });
  }
  const isArch = isVggArchitectureId(ref);
  if (weights === 'random' && isArch) return randomBackbone(options, ref);
  const stored = await findBackbone({ ...options, id: ref });
  if (stored) {
    if (weights !== 'auto' && stored.weights !== weights) {
      throw new HeadstartError(
        'WEIGHTS_UNAVAILABLE',
        `Stored backbone "${ref}" has ${stored.weights} weights, not ${weights}.`,
      );
    }
    return loadBackbone({ ...options, id: ref });
  }
  if (!isArch) {
    const ids = (await listBackbones(options)).map((b) => b.id);
    throw new HeadstartError(
      'BACKBONE_NOT_FOUND',
      `Unknown backbone "${ref}"; use ${formatChoices(VGG_ARCHITECTURE_IDS)}, a stored id${ids.length > 0 ? ` (${ids.join(', ')})` : ''}, or a path to an .onnx file.`,
    );
  }
  const reason = await tryPull(options);
  if (reason === undefined) return loadBackbone({ ...options, id: ref });
  const advice = `run \`headstart models pull ${isPullable(ref) ? ref : 'vgg16'}\` or \`headstart models import <file>\``;
  if (weights === 'imagenet' || !options.onWarning) {
    throw new HeadstartError(
      'WEIGHTS_UNAVAILABLE',
      `ImageNet weights for ${ref} are not available (${reason}); ${advice}.`,
    );
  }
  const seed = options.seed ?? DEFAULT_BACKBONE_SEED;
  options.onWarning(
    `WARNING: ImageNet weights for ${ref} are not available (${reason}). Using RANDOM weights (seed ${seed}) instead: ` +
      `features will be far weaker than pretrained ones. To fix this, ${advice}.`,
  );
  return randomBackbone(options, ref);
}

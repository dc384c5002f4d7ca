import type { BackboneSpec } from '../../backbone/backbone-spec.ts';
import {
  preprocessFor,
  type NormalizationMode,
  type PreprocessSpec,
} from '../../backbone/preprocess-spec.ts';
import { sliceAfterBlock } from '../../backbone/truncate-graph.ts';
import { HeadstartError } from '../../errors.ts';
import type { BackboneSession, Device } from '../../features/backbone-session.ts';
import { findBackbone, loadBackbone, saveBackbone } from '../backbone/model-store.ts';
import { resolveBackbone, type ResolveBackboneOptions } from '../backbone/resolve-backbone.ts';
import { createWorkerSession } from '../features/worker-session.ts';

export interface OpenFeatureBackboneOptions {
  /** `vgg16`, a stored id, or a path to an .onnx file. */
  ref: string;
  weights?: ResolveBackboneOptions['weights'];
  seed?: number;
  /** Preprocessing of an .onnx file without a sidecar spec. */
  normalization?: NormalizationMode;
  inputSize: number;
  /**
   * Take features after this block (1-based) instead of the last one; the graph is cut there and stored
   * as its own backbone so bundles can name it. `auto`: block 3 for random weights, the last for ImageNet.
   */
  block?: number | 'auto';
  device?: Device;
  threads?: number;
  onWarning?: (message: string) => void;
  onProgress?: ResolveBackboneOptions['onProgress'];
  home?: string;
}

export interface FeatureBackbone {
  spec: BackboneSpec;
  /** Where the graph came from: a cached file, or the user's file (before any cut). */
  path: string;
  preprocess: PreprocessSpec;
  session: BackboneSession;
  dispose(): Promise<void>;
}

/**
 * The block features are taken after by default. Random conv weights give their most separable features
 * early — on MNIST at 32×32 a random VGG16 gives 97 % after block 3 against 94 % after block 5 — while
 * ImageNet weights are best used whole.
 */
export function autoFeatureBlock(spec: BackboneSpec): number {
  return spec.weights === 'random' ? Math.min(3, spec.blocks.length) : spec.blocks.length;
}

/**
 * Resolves a backbone (cached ImageNet weights, a file, or seeded random weights), optionally cuts it
 * after a block, checks the input size against it, and opens it in an onnxruntime-node worker.
 */
export async function openFeatureBackbone(options: OpenFeatureBackboneOptions): Promise<FeatureBackbone> {
  const home = options.home ? { home: options.home } : {};
  const resolved = await resolveBackbone({
    ...home,
    ref: options.ref,
    ...(options.weights ? { weights: options.weights } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.normalization ? { normalization: options.normalization } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  let { spec, path, bytes } = resolved;
  const blocks = spec.blocks.length;
  const block = options.block === 'auto' ? autoFeatureBlock(spec) : options.block;
  if (block !== undefined && block !== blocks) {
    if (!Number.isInteger(block) || block < 1 || block > blocks) {
      throw new HeadstartError(
        'INVALID_OPTION',
        `Invalid feature block ${block}; ${spec.id} has blocks 1 to ${blocks}.`,
      );
    }
    const sliced = sliceAfterBlock({ bytes: resolved.bytes, spec, block });
    const stored =
      (await findBackbone({ ...home, id: sliced.spec.id })) ?? (await saveBackbone({ ...home, ...sliced }));
    if (stored.sha256 !== sliced.spec.sha256) {
      // A stale entry under the same id (another Headstart version): replace it with this slice.
      await saveBackbone({ ...home, ...sliced });
    }
    const loaded = await loadBackbone({ ...home, id: sliced.spec.id });
    spec = loaded.spec;
    path = loaded.path;
    bytes = loaded.bytes;
  }
  if (options.inputSize < spec.minInputSize || !Number.isInteger(options.inputSize)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Invalid input size ${options.inputSize}; ${spec.id} takes whole numbers from ${spec.minInputSize} up.`,
    );
  }
  const preprocess = preprocessFor(spec.normalization, options.inputSize, spec.layout);
  const session = await createWorkerSession({
    // The bytes, not the path: a file whose classifier was cut off is only the base in memory.
    model: bytes,
    device: options.device ?? 'cpu',
    ...(options.threads ? { threads: options.threads } : {}),
  });
  return { spec, path, preprocess, session, dispose: () => session.dispose() };
}

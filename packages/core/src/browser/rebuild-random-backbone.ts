import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { buildVggOnnx } from '../backbone/build-vgg-onnx.ts';
import { sliceAfterBlock } from '../backbone/truncate-graph.ts';
import { getVggArchitecture, isVggArchitectureId } from '../backbone/vgg-architectures.ts';

/** An architecture id split into the built one and the block it is cut after: `vgg16-b3` → vgg16, 3. */
export function parseSlicedArch(arch: string): { base: string; block?: number } {
  const match = /^(.*?)(?:-b(\d+))?$/.exec(arch);
  const base = match?.[1] ?? arch;
  return match?.[2] ? { base, block: Number(match[2]) } : { base };
}

/** Whether a backbone with these weights can be rebuilt here, byte for byte, without any download. */
export function canRebuildBackbone(backbone: { arch: string; weights: string; seed?: number }): boolean {
  return (
    backbone.weights === 'random' &&
    backbone.seed !== undefined &&
    isVggArchitectureId(parseSlicedArch(backbone.arch).base)
  );
}

/**
 * Rebuilds a seeded random-weight VGG backbone (`vgg16` seed 42, or a slice like `vgg16-b3`) exactly as the
 * CLI builds it: the same generator, graph and cut give the same bytes, and so the same sha256, on every
 * platform. The caller checks that sha256 against the bundle's.
 */
export function rebuildRandomBackbone(options: { arch: string; seed: number }): {
  bytes: Uint8Array;
  spec: BackboneSpec;
} {
  const { base, block } = parseSlicedArch(options.arch);
  const built = buildVggOnnx({
    arch: getVggArchitecture(base),
    weights: { kind: 'random', seed: options.seed },
  });
  return block === undefined ? built : sliceAfterBlock({ bytes: built.bytes, spec: built.spec, block });
}

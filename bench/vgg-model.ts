import { buildVggOnnx } from '../packages/core/src/backbone/build-vgg-onnx.ts';
import type { BackboneSpec } from '../packages/core/src/backbone/backbone-spec.ts';

let built: { bytes: Uint8Array; spec: BackboneSpec } | undefined;

/** VGG16's conv base with seeded random weights (the same FLOPs as ImageNet weights), built once. */
export function vgg16(): { bytes: Uint8Array; spec: BackboneSpec } {
  built ??= buildVggOnnx({ arch: 'vgg16', weights: { kind: 'random', seed: 42 } });
  return built;
}

/** Multiply-adds ×2 of VGG16's conv base for one square image of side `size`. */
export function vgg16Flops(size: number): number {
  const blocks: [number, number[]][] = [
    [3, [64, 64]],
    [64, [128, 128]],
    [128, [256, 256, 256]],
    [256, [512, 512, 512]],
    [512, [512, 512, 512]],
  ];
  let flops = 0;
  let side = size;
  for (const [inChannels, outs] of blocks) {
    let channels = inChannels;
    for (const out of outs) {
      flops += 2 * side * side * out * channels * 9;
      channels = out;
    }
    side = Math.floor(side / 2);
  }
  return flops;
}

import { HeadstartError, formatChoices } from '../errors.ts';

/** One 3×3 conv layer of a VGG conv base, named as Keras names it. */
export interface VggConvLayer {
  /** `block1_conv1` … `block5_conv3`. */
  name: string;
  inChannels: number;
  outChannels: number;
}

/** One block: its convs, then a 2×2 max-pool whose output is `block{b}_pool`. */
export interface VggBlockLayout {
  /** `block1` … `block5`. */
  name: string;
  convs: VggConvLayer[];
  /** Output channels of every conv in the block. */
  channels: number;
  /** Name of the tensor the block's max-pool produces. */
  poolOutput: string;
}

/** A VGG conv base (no classifier): blocks of 3×3 convs with ReLU, each ending in a max-pool. */
export interface VggArchitecture {
  /** Id as accepted by getVggArchitecture: `vgg16`, `vgg16-micro`, `vgg16-micro-b3`, … */
  id: string;
  /** Full-width family member it derives from: `vgg11`, `vgg13`, `vgg16` or `vgg19`. */
  family: VggFamily;
  blocks: VggBlockLayout[];
}

/** Convs per block of each family member (VGG paper, configurations A, B, D and E). */
const FAMILY_CONVS = {
  vgg11: [1, 1, 2, 2, 2],
  vgg13: [2, 2, 2, 2, 2],
  vgg16: [2, 2, 3, 3, 3],
  vgg19: [2, 2, 4, 4, 4],
} as const;

export type VggFamily = keyof typeof FAMILY_CONVS;

export const VGG_FAMILIES = Object.keys(FAMILY_CONVS) as VggFamily[];

const FULL_CHANNELS = [64, 128, 256, 512, 512];

/** Micro variants keep the depth and divide every width by this, for fast tests. */
export const MICRO_WIDTH_DIVISOR = 16;

/** The ids getVggArchitecture accepts, besides the `-b<k>` block-limited forms of each. */
export const VGG_ARCHITECTURE_IDS: readonly string[] = VGG_FAMILIES.flatMap((f) => [f, `${f}-micro`]);

/** Builds the layout of a family member with widths divided by `divisor`, keeping its first `blockCount` blocks. */
function buildArchitecture(
  id: string,
  family: VggFamily,
  divisor: number,
  blockCount: number,
): VggArchitecture {
  const blocks: VggBlockLayout[] = [];
  let inChannels = 3;
  for (let b = 0; b < blockCount; b++) {
    const channels = (FULL_CHANNELS[b] as number) / divisor;
    const convCount = FAMILY_CONVS[family][b] as number;
    const convs: VggConvLayer[] = [];
    for (let c = 0; c < convCount; c++) {
      convs.push({ name: `block${b + 1}_conv${c + 1}`, inChannels, outChannels: channels });
      inChannels = channels;
    }
    blocks.push({ name: `block${b + 1}`, convs, channels, poolOutput: `block${b + 1}_pool` });
  }
  return { id, family, blocks };
}

/**
 * The conv base of a VGG family member: `vgg11`, `vgg13`, `vgg16`, `vgg19`, their `-micro` variants
 * (same depth, channels divided by 16: 4, 8, 16, 32, 32), and either with a `-b<k>` suffix keeping only the
 * first k blocks (`vgg16-micro-b3`). Throws INVALID_OPTION naming the allowed ids.
 */
export function getVggArchitecture(id: string): VggArchitecture {
  const match = /^(vgg11|vgg13|vgg16|vgg19)(-micro)?(?:-b([1-5]))?$/.exec(id);
  if (!match) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Unknown VGG architecture "${id}"; use ${formatChoices(VGG_ARCHITECTURE_IDS)} (optionally with -b1 … -b5 to keep fewer blocks).`,
    );
  }
  const family = match[1] as VggFamily;
  const divisor = match[2] ? MICRO_WIDTH_DIVISOR : 1;
  const blockCount = match[3] ? Number(match[3]) : 5;
  return buildArchitecture(id, family, divisor, blockCount);
}

/** True when `id` names an architecture getVggArchitecture knows. */
export function isVggArchitectureId(id: string): boolean {
  try {
    getVggArchitecture(id);
    return true;
  } catch {
    return false;
  }
}

/** The architecture's conv layers in graph order. */
export function vggConvLayers(arch: VggArchitecture): VggConvLayer[] {
  return arch.blocks.flatMap((block) => block.convs);
}

/** Weights and biases of all convs: 14,714,688 for the VGG16 conv base. */
export function vggParameterCount(arch: VggArchitecture): number {
  return vggConvLayers(arch).reduce((sum, c) => sum + 9 * c.inChannels * c.outChannels + c.outChannels, 0);
}

/**
 * The store id of a built backbone: the architecture id for ImageNet weights (`vgg16`), and
 * `<arch>-random-s<seed>` for seeded random weights (`vgg16-random-s42`), so the two never share a file.
 */
export function backboneId(options: { arch: string; weights: 'imagenet' | 'random'; seed?: number }): string {
  if (options.weights === 'imagenet') return options.arch;
  return options.seed === undefined ? `${options.arch}-random` : `${options.arch}-random-s${options.seed}`;
}

/**
 * The known architecture (full or micro, all five blocks) whose blocks have exactly these conv counts and
 * channels, or undefined. Lets imported graphs and weight files be recognised as `vgg16`, `vgg19`, ….
 */
export function matchVggArchitecture(
  blocks: { convCount: number; channels: number }[],
): VggArchitecture | undefined {
  for (const id of VGG_ARCHITECTURE_IDS) {
    const arch = getVggArchitecture(id);
    const same =
      arch.blocks.length === blocks.length &&
      arch.blocks.every(
        (b, i) => b.convs.length === blocks[i]?.convCount && b.channels === blocks[i]?.channels,
      );
    if (same) return arch;
  }
  return undefined;
}

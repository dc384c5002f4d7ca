import { describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import {
  backboneId,
  getVggArchitecture,
  matchVggArchitecture,
  vggConvLayers,
  vggParameterCount,
} from './vgg-architectures.ts';

describe('getVggArchitecture', () => {
  it('gives VGG16 its 13 Keras-named convs in blocks of 2, 2, 3, 3, 3', () => {
    const arch = getVggArchitecture('vgg16');
    expect(arch.blocks.map((b) => b.convs.length)).toEqual([2, 2, 3, 3, 3]);
    expect(arch.blocks.map((b) => b.channels)).toEqual([64, 128, 256, 512, 512]);
    const convs = vggConvLayers(arch);
    expect(convs).toHaveLength(13);
    expect(convs[0]).toEqual({ name: 'block1_conv1', inChannels: 3, outChannels: 64 });
    expect(convs[12]).toEqual({ name: 'block5_conv3', inChannels: 512, outChannels: 512 });
    expect(arch.blocks[4]!.poolOutput).toBe('block5_pool');
  });

  it('counts the published parameter totals of the conv bases', () => {
    expect(vggParameterCount(getVggArchitecture('vgg16'))).toBe(14_714_688);
    expect(vggParameterCount(getVggArchitecture('vgg19'))).toBe(20_024_384);
    expect(vggParameterCount(getVggArchitecture('vgg11'))).toBe(9_220_480);
  });

  it('divides widths by 16 in micro variants and keeps the depth', () => {
    const arch = getVggArchitecture('vgg16-micro');
    expect(arch.family).toBe('vgg16');
    expect(arch.blocks.map((b) => b.channels)).toEqual([4, 8, 16, 32, 32]);
    expect(vggConvLayers(arch)).toHaveLength(13);
    expect(getVggArchitecture('vgg19-micro').blocks.map((b) => b.convs.length)).toEqual([2, 2, 4, 4, 4]);
  });

  it('keeps only the first k blocks with a -b<k> suffix', () => {
    const arch = getVggArchitecture('vgg16-micro-b3');
    expect(arch.id).toBe('vgg16-micro-b3');
    expect(arch.blocks.map((b) => b.name)).toEqual(['block1', 'block2', 'block3']);
  });

  it('names the allowed ids for an unknown one', () => {
    try {
      getVggArchitecture('resnet50');
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'INVALID_OPTION')).toBe(true);
      expect((error as Error).message).toContain('"resnet50"');
      expect((error as Error).message).toContain('vgg16-micro');
    }
  });
});

describe('matchVggArchitecture', () => {
  it('recognises full and micro layouts and rejects others', () => {
    const shape = (id: string) =>
      getVggArchitecture(id).blocks.map((b) => ({ convCount: b.convs.length, channels: b.channels }));
    expect(matchVggArchitecture(shape('vgg19'))?.id).toBe('vgg19');
    expect(matchVggArchitecture(shape('vgg16-micro'))?.id).toBe('vgg16-micro');
    expect(matchVggArchitecture(shape('vgg16-b3'))).toBeUndefined();
  });
});

describe('backboneId', () => {
  it('keeps ImageNet and seeded random weights apart', () => {
    expect(backboneId({ arch: 'vgg16', weights: 'imagenet' })).toBe('vgg16');
    expect(backboneId({ arch: 'vgg16', weights: 'random', seed: 42 })).toBe('vgg16-random-s42');
  });
});

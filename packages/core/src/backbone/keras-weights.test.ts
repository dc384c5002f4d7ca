import { describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import {
  buildVggFromKerasWeights,
  hwioToOihw,
  inferKerasArchitecture,
  type KerasLayerWeights,
} from './keras-weights.ts';
import { getVggArchitecture, vggConvLayers } from './vgg-architectures.ts';

function kerasLayers(archId: string): KerasLayerWeights {
  const layers: KerasLayerWeights = new Map();
  for (const c of vggConvLayers(getVggArchitecture(archId))) {
    const kernelShape = [3, 3, c.inChannels, c.outChannels];
    layers.set(c.name, {
      kernel: new Float32Array(9 * c.inChannels * c.outChannels),
      kernelShape,
      bias: new Float32Array(c.outChannels),
    });
  }
  return layers;
}

describe('hwioToOihw', () => {
  it('moves kernel[h][w][i][o] to [o][i][h][w]', () => {
    const shape = [3, 3, 2, 4];
    const hwio = Float32Array.from({ length: 72 }, (_, k) => k);
    const oihw = hwioToOihw(hwio, shape);
    for (let h = 0; h < 3; h++)
      for (let w = 0; w < 3; w++)
        for (let i = 0; i < 2; i++)
          for (let o = 0; o < 4; o++) {
            expect(oihw[((o * 2 + i) * 3 + h) * 3 + w]).toBe(hwio[((h * 3 + w) * 2 + i) * 4 + o]);
          }
  });
});

describe('inferKerasArchitecture', () => {
  it('tells VGG16 and VGG19 layouts apart and ignores pools and dense layers', () => {
    const layers = kerasLayers('vgg19-micro');
    layers.set('fc1', { kernel: new Float32Array(4), kernelShape: [2, 2], bias: new Float32Array(2) });
    expect(inferKerasArchitecture(layers).id).toBe('vgg19-micro');
    expect(inferKerasArchitecture(kerasLayers('vgg16')).id).toBe('vgg16');
  });

  it('refuses weights that match no VGG', () => {
    const layers = kerasLayers('vgg16-micro');
    layers.delete('block3_conv3');
    expect(() => inferKerasArchitecture(layers, 'x.h5')).toThrow(
      /x\.h5 match no VGG architecture \(found .*block3: 2 convs of 16/,
    );
  });
});

describe('buildVggFromKerasWeights', () => {
  it('names a missing layer and a wrong shape (BACKBONE_IO_MISMATCH)', () => {
    const missing = kerasLayers('vgg16-micro');
    missing.delete('block4_conv2');
    try {
      buildVggFromKerasWeights({ layers: missing, arch: 'vgg16-micro' });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'BACKBONE_IO_MISMATCH')).toBe(true);
      expect((error as Error).message).toMatch(/lack layer "block4_conv2", which vgg16-micro needs/);
    }
    const wrong = kerasLayers('vgg16-micro');
    wrong.set('block2_conv1', {
      kernel: new Float32Array(9 * 4 * 9),
      kernelShape: [3, 3, 4, 9],
      bias: new Float32Array(9),
    });
    expect(() => buildVggFromKerasWeights({ layers: wrong })).toThrow(
      'Layer "block2_conv1" has kernel [3, 3, 4, 9] and bias [9]; vgg16-micro expects kernel [3, 3, 4, 8] (HWIO) and bias [8].',
    );
  });

  it('builds an ImageNet-labelled caffe backbone by default', () => {
    const { spec } = buildVggFromKerasWeights({ layers: kerasLayers('vgg16-micro') });
    expect(spec).toMatchObject({
      id: 'vgg16-micro',
      arch: 'vgg16-micro',
      weights: 'imagenet',
      normalization: 'caffe',
    });
  });
});

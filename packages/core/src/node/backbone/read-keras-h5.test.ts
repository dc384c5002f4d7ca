import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVggOnnx, type ConvWeights } from '../../backbone/build-vgg-onnx.ts';
import { buildVggFromKerasWeights } from '../../backbone/keras-weights.ts';
import { getVggArchitecture, vggConvLayers } from '../../backbone/vgg-architectures.ts';
import { isHeadstartError } from '../../errors.ts';
import { importBackbone } from './import-backbone.ts';
import { loadBackbone } from './model-store.ts';
import { h5StringList, readKerasH5 } from './read-keras-h5.ts';

const dir = mkdtempSync(join(tmpdir(), 'headstart-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const arch = getVggArchitecture('vgg16-micro');
/** OIHW weights with distinct values everywhere, so any mix-up of axes changes the output. */
const oihw = new Map<string, ConvWeights>(
  vggConvLayers(arch).map((c, l) => {
    const kernel = Float32Array.from(
      { length: c.outChannels * c.inChannels * 9 },
      (_, i) => Math.sin(i * 1.7 + l) * Math.sqrt(2 / (9 * c.inChannels)),
    );
    const bias = Float32Array.from({ length: c.outChannels }, (_, i) => ((i % 5) - 2) * 0.01);
    return [c.name, { kernel, bias }];
  }),
);

function oihwToHwio(kernel: Float32Array, o: number, i: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let h = 0; h < 3; h++)
        for (let w = 0; w < 3; w++) {
          out[((h * 3 + w) * i + b) * o + a] = kernel[((a * i + b) * 3 + h) * 3 + w]!;
        }
  return out;
}

function fixedStrings(
  group: { create_attribute: (n: string, d: string[], s: null, t: string) => void },
  name: string,
  values: string[],
): void {
  // h5py writes name lists as fixed-length byte strings (numpy "S" arrays), as in Keras's published files.
  group.create_attribute(name, values, null, `S${Math.max(...values.map((v) => v.length))}`);
}

/**
 * Writes a Keras-layout weights file: `published` like vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5
 * (`<layer>/<layer>_W_1:0`), otherwise as newer Keras 2 does (`<layer>/<layer>/kernel:0`).
 */
async function writeKerasFile(
  path: string,
  layout: 'published' | 'nested',
  skip?: string,
  reshape?: string,
): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  const layerNames = [
    'input_1',
    ...arch.blocks.flatMap((b) => [...b.convs.map((c) => c.name), b.poolOutput]),
  ];
  fixedStrings(file, 'layer_names', layerNames);
  file.create_attribute('backend', 'tensorflow');
  file.create_group('input_1').create_attribute('weight_names', [], [0], 'S1');
  for (const block of arch.blocks) {
    for (const c of block.convs) {
      if (c.name === skip) continue;
      const group = file.create_group(c.name);
      const w = oihw.get(c.name)!;
      const out = c.name === reshape ? c.outChannels / 2 : c.outChannels;
      const kernel = oihwToHwio(w.kernel, c.outChannels, c.inChannels).subarray(0, 9 * c.inChannels * out);
      const [kName, bName] =
        layout === 'published'
          ? [`${c.name}_W_1:0`, `${c.name}_b_1:0`]
          : [`${c.name}/kernel:0`, `${c.name}/bias:0`];
      fixedStrings(group, 'weight_names', [kName, bName]);
      const target = layout === 'published' ? group : group.create_group(c.name);
      target.create_dataset({
        name: kName.split('/').pop()!,
        data: kernel,
        shape: [3, 3, c.inChannels, out],
        dtype: '<f',
      });
      target.create_dataset({
        name: bName.split('/').pop()!,
        data: w.bias.subarray(0, out),
        shape: [out],
        dtype: '<f',
      });
    }
    // Layers without weights carry an empty weight_names list.
    file.create_group(block.poolOutput).create_attribute('weight_names', [], [0], 'S1');
  }
  file.close();
}

async function features(bytes: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const data = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => ((i * 31) % 255) - 127);
  const out = await session.run({ input: new ort.Tensor('float32', data, [1, 3, 64, 64]) });
  await session.release();
  return out.features!.data as Float32Array;
}

describe('readKerasH5', () => {
  it('converts the published notop layout to a graph equal to one built from the OIHW weights', async () => {
    const path = join(dir, 'published.h5');
    await writeKerasFile(path, 'published');
    const layers = await readKerasH5({ path });
    expect([...layers.keys()]).toEqual(vggConvLayers(arch).map((c) => c.name));
    expect(layers.get('block2_conv1')!.kernelShape).toEqual([3, 3, 4, 8]);

    const converted = buildVggFromKerasWeights({ layers });
    expect(converted.spec).toMatchObject({
      id: 'vgg16-micro',
      arch: 'vgg16-micro',
      weights: 'imagenet',
      normalization: 'caffe',
    });
    const direct = buildVggOnnx({ arch, weights: { kind: 'provided', layers: oihw, source: 'imagenet' } });
    expect(converted.spec.sha256).toBe(direct.spec.sha256);
    const [a, b] = await Promise.all([features(converted.bytes), features(direct.bytes)]);
    expect(a.length).toBe(32 * 2 * 2);
    expect(a.some((v) => v !== 0)).toBe(true);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('reads the nested layout of newer Keras files', async () => {
    const path = join(dir, 'nested.h5');
    await writeKerasFile(path, 'nested');
    const converted = buildVggFromKerasWeights({ layers: await readKerasH5({ path }) });
    const direct = buildVggOnnx({ arch, weights: { kind: 'provided', layers: oihw, source: 'imagenet' } });
    expect(converted.spec.sha256).toBe(direct.spec.sha256);
  });

  it('reports a missing layer and a wrong shape as BACKBONE_IO_MISMATCH', async () => {
    const missing = join(dir, 'missing.h5');
    await writeKerasFile(missing, 'published', 'block3_conv2');
    const layers = await readKerasH5({ path: missing });
    expect(() => buildVggFromKerasWeights({ layers, arch: 'vgg16-micro' })).toThrow(
      /lack layer "block3_conv2"/,
    );

    const wrong = join(dir, 'wrong.h5');
    await writeKerasFile(wrong, 'published', undefined, 'block4_conv1');
    try {
      buildVggFromKerasWeights({ layers: await readKerasH5({ path: wrong }), arch: 'vgg16-micro' });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'BACKBONE_IO_MISMATCH')).toBe(true);
      expect((error as Error).message).toContain(
        'Layer "block4_conv1" has kernel [3, 3, 16, 16] and bias [16]; vgg16-micro expects kernel [3, 3, 16, 32]',
      );
    }
  });

  it('refuses files that are not HDF5 and paths that do not exist', async () => {
    const bogus = join(dir, 'bogus.h5');
    writeFileSync(bogus, 'not an hdf5 file at all');
    await expect(readKerasH5({ path: bogus })).rejects.toThrow(/bogus\.h5 is not an HDF5 file/);
    await expect(readKerasH5({ path: join(dir, 'nope.h5') })).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
  });

  it('decodes byte-string attribute values', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(h5StringList([bytes('block1_conv1_W_1:0'), bytes('block1_conv1_b_1:0\0\0')])).toEqual([
      'block1_conv1_W_1:0',
      'block1_conv1_b_1:0',
    ]);
    expect(h5StringList(bytes('kernel:0'))).toEqual(['kernel:0']);
    expect(h5StringList('bias:0')).toEqual(['bias:0']);
  });

  it('imports a Keras file into the store under its architecture id', async () => {
    const path = join(dir, 'import.h5');
    await writeKerasFile(path, 'published');
    const home = join(dir, 'home');
    const info = await importBackbone({ file: path, home });
    expect(info).toMatchObject({
      id: 'vgg16-micro',
      weights: 'imagenet',
      normalization: 'caffe',
      onnxPath: join(home, 'models', 'vgg16-micro', 'vgg16-micro.onnx'),
    });
    const loaded = await loadBackbone({ id: 'vgg16-micro', home });
    const direct = buildVggOnnx({ arch, weights: { kind: 'provided', layers: oihw, source: 'imagenet' } });
    expect(loaded.spec.sha256).toBe(direct.spec.sha256);
    await expect(importBackbone({ file: join(dir, 'weights.txt'), home })).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });
});

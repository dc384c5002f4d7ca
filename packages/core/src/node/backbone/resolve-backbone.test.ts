import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../../backbone/build-vgg-onnx.ts';
import { isHeadstartError } from '../../errors.ts';
import type { FetchImpl } from './download.ts';
import { importBackbone } from './import-backbone.ts';
import { listBackbones } from './model-store.ts';
import { pullBackbone } from './pull-backbone.ts';
import { resolveBackbone } from './resolve-backbone.ts';

let home: string;
const saved = { home: process.env.HEADSTART_HOME, offline: process.env.HEADSTART_OFFLINE };
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'headstart-resolve-'));
  process.env.HEADSTART_HOME = home;
  process.env.HEADSTART_OFFLINE = '1';
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  for (const [key, value] of [
    ['HEADSTART_HOME', saved.home],
    ['HEADSTART_OFFLINE', saved.offline],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** A server that answers every request with a few bytes that match no pinned checksum. */
const wrongFile: FetchImpl = async () => new Response(new Uint8Array([1, 2, 3]), { status: 200 });

describe('resolveBackbone', () => {
  it('falls back to seeded random weights with a loud warning when offline (auto)', async () => {
    const warnings: string[] = [];
    const resolved = await resolveBackbone({ ref: 'vgg16', onWarning: (m) => warnings.push(m) });
    expect(resolved.spec).toMatchObject({
      id: 'vgg16-random-s42',
      weights: 'random',
      seed: 42,
      parameterCount: 14_714_688,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^WARNING: ImageNet weights for vgg16 are not available \(offline: HEADSTART_OFFLINE=1\)\. Using RANDOM weights \(seed 42\)/,
    );
    expect(warnings[0]).toContain('headstart models pull vgg16');
    // The second time the stored random backbone is reused.
    const again = await resolveBackbone({ ref: 'vgg16', onWarning: () => undefined });
    expect(again.spec.sha256).toBe(resolved.spec.sha256);
    expect((await listBackbones()).map((b) => b.id)).toEqual(['vgg16-random-s42']);
  });

  it('fails clearly for imagenet instead of falling back, and for auto without a warning callback', async () => {
    try {
      await resolveBackbone({ ref: 'vgg16', weights: 'imagenet' });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'WEIGHTS_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toBe(
        'ImageNet weights for vgg16 are not available (offline: HEADSTART_OFFLINE=1); run `headstart models pull vgg16` or `headstart models import <file>`.',
      );
    }
    await expect(resolveBackbone({ ref: 'vgg16-micro' })).rejects.toThrow(
      /none are published for vgg16-micro/,
    );
    expect(await listBackbones()).toEqual([]);
  });

  it('reports a failed pull in the warning and leaves no download behind', async () => {
    const warnings: string[] = [];
    const resolved = await resolveBackbone({
      ref: 'vgg19-micro',
      seed: 5,
      onWarning: (m) => warnings.push(m),
    });
    expect(resolved.spec.id).toBe('vgg19-micro-random-s5');
    await expect(
      resolveBackbone({ ref: 'vgg16', weights: 'imagenet', offline: false, fetchImpl: wrongFile }),
    ).rejects.toThrow(
      /the download failed: Downloaded https:\/\/storage\.googleapis\.com\/tensorflow\/keras-applications\/vgg16\/vgg16_weights_tf_dim_ordering_tf_kernels_notop\.h5 \(3 bytes\) has md5 \w+, expected 6d6bbae143d832006294945121d1f1fc/,
    );
    await expect(pullBackbone({ id: 'vgg19', fetchImpl: wrongFile })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
    });
    await expect(pullBackbone({ id: 'vgg16-micro' })).rejects.toMatchObject({ code: 'WEIGHTS_UNAVAILABLE' });
    expect((await listBackbones()).map((b) => b.id)).toEqual(['vgg19-micro-random-s5']);
  });

  it('uses stored ImageNet weights, and random ones when asked', async () => {
    const imagenet = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 9 } });
    const file = join(home, 'micro.onnx');
    writeFileSync(file, imagenet.bytes);
    const imported = await importBackbone({ file, id: 'vgg16-micro', normalization: 'caffe' });
    expect(imported).toMatchObject({ id: 'vgg16-micro', weights: 'imagenet', arch: 'vgg16-micro' });

    const warnings: string[] = [];
    const auto = await resolveBackbone({ ref: 'vgg16-micro', onWarning: (m) => warnings.push(m) });
    expect(auto.spec.weights).toBe('imagenet');
    expect(warnings).toEqual([]);
    const random = await resolveBackbone({ ref: 'vgg16-micro', weights: 'random', seed: 4 });
    expect(random.spec.id).toBe('vgg16-micro-random-s4');
    await expect(
      resolveBackbone({ ref: 'vgg16-micro-random-s4', weights: 'imagenet' }),
    ).rejects.toMatchObject({ code: 'WEIGHTS_UNAVAILABLE' });
    await expect(resolveBackbone({ ref: 'resnet50' })).rejects.toThrow(
      /Unknown backbone "resnet50"; use vgg11, .*a stored id \(vgg16-micro, vgg16-micro-random-s4\)/,
    );
  });

  it('loads .onnx paths with a sidecar spec, or with --preprocess', async () => {
    const built = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 6 } });
    const file = join(home, 'export.onnx');
    writeFileSync(file, built.bytes);
    try {
      await resolveBackbone({ ref: file });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'INVALID_OPTION')).toBe(true);
      expect((error as Error).message).toContain('pass --preprocess caffe|torch');
    }
    const withPreprocess = await resolveBackbone({ ref: file, normalization: 'torch' });
    expect(withPreprocess.spec).toMatchObject({
      id: 'export',
      normalization: 'torch',
      weights: 'imagenet',
      inputName: 'input',
      outputName: 'features',
    });
    expect(withPreprocess.path).toBe(file);

    const sidecarFile = join(home, 'built.onnx');
    copyFileSync(file, sidecarFile);
    writeFileSync(`${sidecarFile}.json`, JSON.stringify(built.spec));
    const withSidecar = await resolveBackbone({ ref: sidecarFile });
    expect(withSidecar.spec).toEqual(built.spec);
    expect(withSidecar.bytes).toEqual(built.bytes);
    writeFileSync(`${sidecarFile}.json`, JSON.stringify({ ...built.spec, sha256: 'a'.repeat(64) }));
    await expect(resolveBackbone({ ref: sidecarFile })).rejects.toThrow(/describes a different graph/);
    await expect(resolveBackbone({ ref: join(home, 'none.onnx') })).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
  });
});

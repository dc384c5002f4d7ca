import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../../backbone/build-vgg-onnx.ts';
import { isHeadstartError } from '../../errors.ts';
import {
  getBackboneInfo,
  listBackbones,
  loadBackbone,
  modelsRoot,
  removeBackbone,
  saveBackbone,
} from './model-store.ts';
import { buildBackbone } from './resolve-backbone.ts';

let home: string;
const previous = process.env.HEADSTART_HOME;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'headstart-store-'));
  process.env.HEADSTART_HOME = home;
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  if (previous === undefined) delete process.env.HEADSTART_HOME;
  else process.env.HEADSTART_HOME = previous;
});

describe('model store', () => {
  it('builds, lists and describes seeded random backbones under HEADSTART_HOME', async () => {
    expect(await listBackbones()).toEqual([]);
    const built = await buildBackbone({ arch: 'vgg16-micro', seed: 3 });
    expect(built.path).toBe(join(home, 'models', 'vgg16-micro-random-s3', 'vgg16-micro-random-s3.onnx'));
    expect(modelsRoot()).toBe(join(home, 'models'));
    await buildBackbone({ arch: 'vgg19-micro' });

    const list = await listBackbones();
    expect(list.map((b) => [b.id, b.weights, b.seed])).toEqual([
      ['vgg16-micro-random-s3', 'random', 3],
      ['vgg19-micro-random-s42', 'random', 42],
    ]);
    const info = await getBackboneInfo({ id: 'vgg16-micro-random-s3' });
    expect(info).toMatchObject({
      arch: 'vgg16-micro',
      normalization: 'caffe',
      sizeBytes: built.bytes.byteLength,
      sha256: built.spec.sha256,
    });
    expect(JSON.parse(readFileSync(info.specPath, 'utf8'))).toEqual(built.spec);
    expect(readdirSync(join(home, 'models', 'vgg16-micro-random-s3')).sort()).toEqual([
      'vgg16-micro-random-s3.json',
      'vgg16-micro-random-s3.onnx',
    ]);

    const loaded = await loadBackbone({ id: 'vgg16-micro-random-s3' });
    expect(loaded.bytes).toEqual(built.bytes);
    expect(await removeBackbone({ id: 'vgg19-micro-random-s42' })).toBe(true);
    expect((await listBackbones()).map((b) => b.id)).toEqual(['vgg16-micro-random-s3']);
  });

  it('names the stored ids when one is missing, and refuses ids that leave the store', async () => {
    await buildBackbone({ arch: 'vgg16-micro', seed: 1 });
    await expect(getBackboneInfo({ id: 'vgg16' })).rejects.toThrow(
      `No backbone "vgg16" in ${join(home, 'models')}; stored: vgg16-micro-random-s1.`,
    );
    await expect(getBackboneInfo({ id: '../etc' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('detects a graph that no longer matches its spec (CACHE_CORRUPT)', async () => {
    const built = await buildBackbone({ arch: 'vgg16-micro', seed: 2 });
    const bytes = new Uint8Array(readFileSync(built.path));
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(built.path, bytes);
    try {
      await loadBackbone({ id: built.spec.id });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'CACHE_CORRUPT')).toBe(true);
      expect((error as Error).message).toContain(`its spec says ${built.spec.sha256}`);
    }
    writeFileSync(join(home, 'models', built.spec.id, `${built.spec.id}.json`), '{"id": 1}');
    await expect(getBackboneInfo({ id: built.spec.id })).rejects.toThrow(
      /not a valid backbone spec: field "id"/,
    );
  });

  it('ignores entries whose spec was never written, and replaces entries whole', async () => {
    mkdirSync(join(home, 'models', 'vgg16'), { recursive: true });
    writeFileSync(join(home, 'models', 'vgg16', 'vgg16.onnx'), 'partial');
    writeFileSync(join(home, 'models', 'vgg16', 'vgg16.onnx.tmp-1234'), 'partial');
    expect(await listBackbones()).toEqual([]);

    const a = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 1 }, id: 'mine' });
    const b = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 2 }, id: 'mine' });
    await saveBackbone({ ...a });
    await saveBackbone({ ...b });
    const loaded = await loadBackbone({ id: 'mine' });
    expect(loaded.spec.sha256).toBe(b.spec.sha256);
    expect(readdirSync(join(home, 'models', 'mine')).sort()).toEqual(['mine.json', 'mine.onnx']);
    await expect(saveBackbone({ bytes: a.bytes, spec: b.spec })).rejects.toThrow(
      /do not match the spec's sha256/,
    );
    expect(existsSync(join(home, 'models', 'mine', 'mine.json'))).toBe(true);
  });
});

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../bundle/example-manifest.ts';
import { isHeadstartError } from '../../errors.ts';
import { predictProbabilities } from '../../head/predict-head.ts';
import { syntheticClusters } from '../../head/synthetic-clusters.ts';
import { trainHead } from '../../head/train-head.ts';
import { readBundleDir, saveBundleDir, writeBundleDir } from './bundle-dir.ts';
import { initTfjs } from './tfjs-backend.ts';

let root: string;
beforeAll(async () => {
  await initTfjs({ backend: 'wasm' });
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-bundle-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const data = syntheticClusters({ numClasses: 3, dim: 12, perClass: 20, seed: 3 });
const manifest = exampleManifest();

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isHeadstartError(error) ? error.code : String(error);
}

describe('bundle directories', () => {
  it('round-trips a bundle through a directory', async () => {
    const head = await trainHead({ train: data, spec: manifest.head.spec, numClasses: 3, epochs: 1 });
    const dir = join(root, 'models', 'mnist');
    await saveBundleDir({ dir, manifest, head, history: head.history });
    expect((await readdir(dir)).sort()).toEqual(['head', 'history.json', 'manifest.json']);
    expect((await readdir(join(dir, 'head'))).sort()).toEqual([
      'model.json',
      'standardizer.bin',
      'weights.bin',
    ]);
    expect(await readdir(join(root, 'models'))).toEqual(['mnist']);
    const loaded = await readBundleDir({ dir, backboneSha256: manifest.backbone.sha256 });
    expect(loaded.manifest).toEqual(manifest);
    const a = await predictProbabilities({ head, features: data.features, count: 60 });
    const b = await predictProbabilities({ head: loaded.head, features: data.features, count: 60 });
    expect(Array.from(b)).toEqual(Array.from(a));
    head.model.dispose();
    loaded.head.model.dispose();
  });

  it('leaves no target and no temporary directory when a write fails', async () => {
    const dir = join(root, 'out');
    const failing = writeBundleDir({
      dir,
      write: async (writer) => {
        await writer.write('manifest.json', '{}');
        throw new Error('disk full');
      },
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(await readdir(root)).toEqual([]);
  });

  it('replaces an existing bundle whole, and keeps it when the new write fails', async () => {
    const dir = join(root, 'out');
    await writeBundleDir({
      dir,
      write: async (w) => {
        await w.write('manifest.json', 'old');
        await w.write('stale.txt', 'x');
      },
    });
    await expect(
      writeBundleDir({ dir, write: async () => Promise.reject(new Error('nope')) }),
    ).rejects.toThrow('nope');
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe('old');
    await writeBundleDir({ dir, write: async (w) => w.write('manifest.json', 'new') });
    expect(await readdir(dir)).toEqual(['manifest.json']);
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe('new');
    expect(await readdir(root)).toEqual(['out']);
  });

  it('refuses to replace what is not a bundle, and to write outside the directory', async () => {
    const precious = join(root, 'precious');
    await mkdir(precious);
    await writeFile(join(precious, 'notes.txt'), 'keep me');
    expect(await codeOf(writeBundleDir({ dir: precious, write: async () => {} }))).toBe('INVALID_OPTION');
    expect(await readFile(join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
    const escape = writeBundleDir({ dir: join(root, 'x'), write: async (w) => w.write('../evil.txt', 'x') });
    expect(await codeOf(escape)).toBe('BUNDLE_INVALID');
    expect(existsSync(join(root, 'evil.txt'))).toBe(false);
  });

  it('reports a missing directory or manifest', async () => {
    expect(await codeOf(readBundleDir({ dir: join(root, 'nothing') }))).toBe('PATH_NOT_FOUND');
    await mkdir(join(root, 'empty'));
    const error = await readBundleDir({ dir: join(root, 'empty') }).catch((e) => e);
    expect(error.code).toBe('BUNDLE_INVALID');
    expect(error.message).toContain('manifest.json is missing');
  });
});

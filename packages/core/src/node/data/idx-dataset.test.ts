import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { classCounts } from '../../data/split.ts';
import { FASHION_MNIST_LABELS, openIdxDataset } from './idx-dataset.ts';
import { FASHION_MNIST_DIR } from './open-dataset.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-idx-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function idx(magic: number, dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Writes `count` 2×2 images whose pixels all equal their index × 10, with the given labels. */
async function writePart(dir: string, prefix: string, labels: number[], gzip: boolean): Promise<void> {
  const pixels = labels.flatMap((_, i) => [i * 10, i * 10, i * 10, i * 10]);
  const images = idx(0x803, [labels.length, 2, 2], pixels);
  const labelFile = idx(0x801, [labels.length], labels);
  const suffix = gzip ? '.gz' : '';
  await writeFile(join(dir, `${prefix}-images-idx3-ubyte${suffix}`), gzip ? gzipSync(images) : images);
  await writeFile(join(dir, `${prefix}-labels-idx1-ubyte${suffix}`), gzip ? gzipSync(labelFile) : labelFile);
}

describe('openIdxDataset', () => {
  test('reads a gzipped MNIST-format folder with its t10k test set as pixel samples', async () => {
    const dir = join(root, 'digits');
    await mkdir(dir);
    await writePart(dir, 'train', [3, 1, 3, 0, 1, 0], true);
    await writePart(dir, 't10k', [0, 1, 3], true);
    const dataset = await openIdxDataset({ dir });
    expect(dataset.name).toBe('digits');
    expect(dataset.labels).toEqual(['0', '1', '3']);
    expect(dataset.samples.map((s) => s.label)).toEqual(['3', '1', '3', '0', '1', '0']);
    expect(dataset.samples[2]!.id).toBe('digits#train-2');
    expect(dataset.test?.map((s) => s.id)).toEqual(['digits#test-0', 'digits#test-1', 'digits#test-2']);
    const content = await dataset.samples[2]!.read();
    expect(content).toEqual({
      kind: 'pixels',
      image: { width: 2, height: 2, data: new Uint8Array(12).fill(20) },
    });
  });

  test('uncompressed files work, and a folder named like Fashion-MNIST gets its class names', async () => {
    const dir = join(root, 'my-fashion-set');
    await mkdir(dir);
    await writePart(dir, 'train', [0, 9, 0], false);
    const dataset = await openIdxDataset({ dir });
    expect(dataset.labels).toEqual(['Ankle boot', 'T-shirt/top']);
    expect(dataset.test).toBeUndefined();
    const named = await openIdxDataset({ dir, labelNames: ['zero', 'one'] }).catch((e: Error) => e.message);
    expect(named).toMatch(/has label 9 at sample 1; my-fashion-set names labels 0 to 1/);
  });

  test('mismatched counts, missing halves and corrupt gzip are DATASET_INVALID', async () => {
    await writePart(root, 'train', [0, 1], false);
    await writeFile(join(root, 'train-labels-idx1-ubyte'), idx(0x801, [3], [0, 1, 1]));
    await expect(openIdxDataset({ dir: root })).rejects.toThrow(
      /holds 2 images but "train-labels-idx1-ubyte" holds 3 labels/,
    );
    await rm(join(root, 'train-labels-idx1-ubyte'));
    await expect(openIdxDataset({ dir: root })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringContaining('lacks train-labels-idx1-ubyte'),
    });
    await writeFile(join(root, 'train-labels-idx1-ubyte.gz'), 'not gzip');
    await expect(openIdxDataset({ dir: root })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringContaining('Cannot decompress'),
    });
  });

  test.skipIf(!existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz')))(
    "Debian's Fashion-MNIST loads as installed: 60,000 + 10,000 samples, 6,000 + 1,000 per class",
    async () => {
      const dataset = await openIdxDataset({ dir: FASHION_MNIST_DIR });
      expect(dataset.samples.length).toBe(60_000);
      expect(dataset.test?.length).toBe(10_000);
      expect(dataset.labels).toEqual([...FASHION_MNIST_LABELS].sort());
      expect(Object.values(classCounts(dataset.samples.map((s) => s.label)))).toEqual(
        new Array(10).fill(6000),
      );
      expect(Object.values(classCounts(dataset.test!.map((s) => s.label)))).toEqual(new Array(10).fill(1000));
      // The first training images are an ankle boot and a T-shirt.
      expect(dataset.samples.slice(0, 2).map((s) => s.label)).toEqual(['Ankle boot', 'T-shirt/top']);
      const first = await dataset.samples[0]!.read();
      expect(first.kind === 'pixels' && [first.image.width, first.image.height]).toEqual([28, 28]);
    },
  );
});

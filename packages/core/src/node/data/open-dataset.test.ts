import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDataset } from './open-dataset.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-open-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Listing only checks names and existence, so placeholder bytes do for images here. */
async function touch(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'x');
}

function idx(magic: number, dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

describe('openDataset', () => {
  test('mnist is the built-in dataset', async () => {
    const dataset = await openDataset({ ref: 'mnist' });
    expect([dataset.name, dataset.samples.length]).toEqual(['mnist', 10_000]);
  });

  test('fashion-mnist without the Debian package names the package to install', async () => {
    await expect(
      openDataset({ ref: 'fashion-mnist', fashionMnistDir: join(root, 'none') }),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
      message: expect.stringContaining('apt-get install dataset-fashion-mnist'),
    });
  });

  test('dispatches on what the path holds', async () => {
    await touch(join(root, 'classes', 'a', '1.png'));
    await touch(join(root, 'classes', 'b', '1.jpg'));
    expect((await openDataset({ ref: join(root, 'classes') })).source).toBe(
      `folder:${join(root, 'classes')}`,
    );

    await mkdir(join(root, 'idx'));
    await writeFile(join(root, 'idx', 'train-images-idx3-ubyte'), idx(0x803, [2, 1, 1], [5, 6]));
    await writeFile(join(root, 'idx', 'train-labels-idx1-ubyte'), idx(0x801, [2], [0, 1]));
    expect((await openDataset({ ref: join(root, 'idx') })).source).toBe(`idx:${join(root, 'idx')}`);

    await touch(join(root, 'listed', 'images', 'p.png'));
    await touch(join(root, 'listed', 'images', 'q.png'));
    await writeFile(join(root, 'listed', 'data.csv'), 'p.png,yes\nq.png,no\n');
    const viaFolder = await openDataset({ ref: join(root, 'listed') });
    expect(viaFolder.source).toBe(`csv:${join(root, 'listed', 'data.csv')}`);
    expect(viaFolder.samples[0]!.id).toBe(join(root, 'listed', 'images', 'p.png'));
    const viaFile = await openDataset({ ref: join(root, 'listed', 'data.csv') });
    expect(viaFile.labels).toEqual(['no', 'yes']);
  });

  test('passes CSV options through and checks allowed labels for every kind', async () => {
    await touch(join(root, 'p.png'));
    await writeFile(join(root, 'data.csv'), 'p.png,yes\ngone.png,no\nmissing.png,yes\n');
    await expect(openDataset({ ref: join(root, 'data.csv') })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
    });
    await expect(openDataset({ ref: join(root, 'data.csv'), strict: false })).rejects.toMatchObject({
      code: 'DATASET_TOO_SMALL',
    });
    await expect(openDataset({ ref: 'mnist', labels: ['0', '1'] })).rejects.toThrow(
      /has label "2", "3", .* or "9"; allowed labels are 0 or 1/,
    );
  });

  test('missing paths and unrecognised layouts say what is accepted', async () => {
    await expect(openDataset({ ref: join(root, 'nope') })).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
      message: expect.stringContaining(join(root, 'nope')),
    });
    await mkdir(join(root, 'empty'));
    await expect(openDataset({ ref: join(root, 'empty') })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringContaining('use one sub-folder per class, train/ and test/ folders'),
    });
    await writeFile(join(root, 'notes.txt'), 'hi');
    await expect(openDataset({ ref: join(root, 'notes.txt') })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
    });
  });
});

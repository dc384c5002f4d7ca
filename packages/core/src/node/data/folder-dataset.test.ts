import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openFolderDataset } from './folder-dataset.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-folder-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function image(path: string, format: 'png' | 'jpeg' = 'png'): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const pipeline = sharp({ create: { width: 4, height: 4, channels: 3, background: '#336699' } });
  await writeFile(path, await (format === 'png' ? pipeline.png() : pipeline.jpeg()).toBuffer());
}

describe('openFolderDataset', () => {
  test('labels are the class folder names; non-image and hidden files are skipped with a reason', async () => {
    await image(join(root, 'cats', 'b.png'));
    await image(join(root, 'cats', 'a.PNG'));
    await writeFile(join(root, 'cats', 'notes.txt'), 'hello');
    await writeFile(join(root, 'cats', '.DS_Store'), '');
    await image(join(root, 'dogs', 'x.jpg'), 'jpeg');
    await image(join(root, 'dogs', 'more', 'y.webp'));
    await writeFile(join(root, 'README.md'), '# pets');

    const dataset = await openFolderDataset({ dir: root });
    expect(dataset.labels).toEqual(['cats', 'dogs']);
    expect(dataset.samples.map((s) => [s.id.slice(root.length + 1), s.label])).toEqual([
      [join('cats', 'a.PNG'), 'cats'],
      [join('cats', 'b.png'), 'cats'],
      [join('dogs', 'x.jpg'), 'dogs'],
      [join('dogs', 'more', 'y.webp'), 'dogs'],
    ]);
    expect(dataset.skipped.map((s) => [s.id.slice(root.length + 1), s.reason.split(' (')[0]])).toEqual([
      ['README.md', 'not inside a class folder'],
      [join('cats', '.DS_Store'), 'hidden file'],
      [join('cats', 'notes.txt'), 'not an image file'],
    ]);
    expect(dataset.test).toBeUndefined();
    expect(dataset.source).toBe(`folder:${root}`);
    const content = await dataset.samples[0]!.read();
    expect(content.kind).toBe('encoded');
    if (content.kind === 'encoded')
      expect(Buffer.from(content.bytes)).toEqual(await readFile(join(root, 'cats', 'a.PNG')));
  });

  test('an empty class folder is DATASET_INVALID naming it', async () => {
    await image(join(root, 'cats', 'a.png'));
    await image(join(root, 'dogs', 'a.png'));
    await mkdir(join(root, 'birds'));
    await writeFile(join(root, 'birds', 'list.txt'), '');
    await expect(openFolderDataset({ dir: root })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringContaining(`Class folder "${join(root, 'birds')}" has no image files`),
    });
  });

  test('a single class is DATASET_TOO_SMALL', async () => {
    await image(join(root, 'cats', 'a.png'));
    await expect(openFolderDataset({ dir: root })).rejects.toMatchObject({
      code: 'DATASET_TOO_SMALL',
      message: `Found 1 class "cats" in "${root}"; need at least 2 class folders.`,
    });
  });

  test('train/ and test/ folders give a test set', async () => {
    for (const part of ['train', 'test']) {
      await image(join(root, part, 'cats', 'a.png'));
      await image(join(root, part, 'dogs', 'a.png'));
    }
    await image(join(root, 'train', 'dogs', 'b.png'));
    const dataset = await openFolderDataset({ dir: root });
    expect(dataset.labels).toEqual(['cats', 'dogs']);
    expect(dataset.samples.length).toBe(3);
    expect(dataset.test?.map((s) => s.label)).toEqual(['cats', 'dogs']);
    await image(join(root, 'test', 'birds', 'a.png'));
    await expect(openFolderDataset({ dir: root })).rejects.toThrow(/has class "birds" not in/);
  });

  test('missing folders and folders without class folders are reported', async () => {
    await expect(openFolderDataset({ dir: join(root, 'nope') })).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
    await image(join(root, 'a.png'));
    await expect(openFolderDataset({ dir: root })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringContaining(`No class folders in "${root}"`),
    });
  });
});

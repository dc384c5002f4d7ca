import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openCsvDataset } from './csv-dataset.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-csv-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Files only need to exist for listing; their bytes are read later, by the decoder. */
async function files(dir: string, names: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of names) await writeFile(join(dir, name), name);
}

describe('openCsvDataset', () => {
  test('finds images beside the CSV or in an images/ folder beside it', async () => {
    await files(join(root, 'images'), ['a.png', 'b.png', 'c.png']);
    const csvPath = join(root, 'labels.csv');
    await writeFile(csvPath, 'filename,label\na.png,cat\nb.png,dog\nc.png,cat\n');
    const dataset = await openCsvDataset({ csvPath });
    expect(dataset.name).toBe('labels');
    expect(dataset.labels).toEqual(['cat', 'dog']);
    expect(dataset.samples.map((s) => [s.id, s.label])).toEqual([
      [join(root, 'images', 'a.png'), 'cat'],
      [join(root, 'images', 'b.png'), 'dog'],
      [join(root, 'images', 'c.png'), 'cat'],
    ]);
    const content = await dataset.samples[1]!.read();
    expect(content.kind === 'encoded' && new TextDecoder().decode(content.bytes)).toBe('b.png');

    await files(root, ['a.png', 'b.png', 'c.png']);
    expect((await openCsvDataset({ csvPath })).samples[0]!.id).toBe(join(root, 'a.png'));
    const explicit = await openCsvDataset({ csvPath, imagesDir: join(root, 'images') });
    expect(explicit.samples[0]!.id).toBe(join(root, 'images', 'a.png'));
  });

  test('a missing file is DATASET_INVALID naming it and its line, or skipped when not strict', async () => {
    await files(root, ['a.png', 'b.png', 'c.png']);
    const csvPath = join(root, 'labels.csv');
    await writeFile(csvPath, 'a.png,cat\nb.png,dog\ngone.png,dog\nc.png,cat\n');
    await expect(openCsvDataset({ csvPath })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: `CSV "labels.csv" line 3: image "gone.png" not found in "${root}".`,
    });
    const lenient = await openCsvDataset({ csvPath, strict: false });
    expect(lenient.samples.length).toBe(3);
    expect(lenient.skipped).toEqual([{ id: join(root, 'gone.png'), reason: 'line 3: file not found' }]);
  });

  test('an unknown label is DATASET_INVALID naming it and the allowed ones', async () => {
    await files(root, ['a.png', 'b.png', 'c.png']);
    const csvPath = join(root, 'labels.csv');
    await writeFile(csvPath, 'a.png,cat\nb.png,dog\nc.png,cow\n');
    await expect(openCsvDataset({ csvPath, labels: ['cat', 'dog'] })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: 'CSV "labels.csv" line 3 has label "cow"; allowed labels are cat or dog.',
    });
    expect((await openCsvDataset({ csvPath, labels: ['cat', 'cow', 'dog'] })).labels).toEqual([
      'cat',
      'cow',
      'dog',
    ]);
  });

  test('duplicates are skipped; conflicting labels, one class and empty CSVs are errors', async () => {
    await files(root, ['a.png', 'b.png']);
    const csvPath = join(root, 'labels.csv');
    await writeFile(csvPath, 'a.png,cat\nb.png,dog\na.png,cat\n');
    expect((await openCsvDataset({ csvPath })).skipped).toEqual([
      { id: join(root, 'a.png'), reason: 'line 3: listed again (first on line 1)' },
    ]);
    await writeFile(csvPath, 'a.png,cat\nb.png,dog\na.png,dog\n');
    await expect(openCsvDataset({ csvPath })).rejects.toThrow(
      'lists "a.png" as "cat" on line 1 and as "dog" on line 3',
    );
    await writeFile(csvPath, 'a.png,cat\nb.png,cat\n');
    await expect(openCsvDataset({ csvPath })).rejects.toMatchObject({
      code: 'DATASET_TOO_SMALL',
      message: expect.stringContaining('1 class "cat"'),
    });
    await writeFile(csvPath, 'filename,label\n');
    await expect(openCsvDataset({ csvPath })).rejects.toMatchObject({ code: 'DATASET_INVALID' });
    await expect(openCsvDataset({ csvPath: join(root, 'nope.csv') })).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
    await expect(openCsvDataset({ csvPath, imagesDir: join(root, 'nope') })).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
  });
});

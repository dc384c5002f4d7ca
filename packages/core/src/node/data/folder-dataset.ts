import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { sortLabels, type Dataset, type DatasetSample } from '../../data/dataset.ts';
import { HeadstartError, formatChoices } from '../../errors.ts';
import {
  IMAGE_EXTENSIONS,
  compareNames,
  fileSample,
  isImageFile,
  pathKind,
  requireDirectory,
} from './image-files.ts';

export interface OpenFolderDatasetOptions {
  /** A folder with one sub-folder per class, or `train/` and `test/` (or `val/`) folders that each have them. */
  dir: string;
}

type Skipped = Dataset['skipped'];

/** Names of the entries in `dir` that are directories (following links), and the rest, both sorted. */
async function listEntries(dir: string): Promise<{ dirs: string[]; files: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const dirs: string[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    const isDir =
      entry.isDirectory() ||
      (entry.isSymbolicLink() && (await pathKind(join(dir, entry.name))) === 'directory');
    (isDir ? dirs : files).push(entry.name);
  }
  return { dirs: dirs.sort(compareNames), files: files.sort(compareNames) };
}

/** Image files anywhere under a class folder, in sorted path order; everything else goes to `skipped`. */
async function collectImages(dir: string, skipped: Skipped): Promise<string[]> {
  const { dirs, files } = await listEntries(dir);
  const images: string[] = [];
  for (const file of files) {
    const path = join(dir, file);
    if (file.startsWith('.')) skipped.push({ id: path, reason: 'hidden file' });
    else if (isImageFile(file)) images.push(path);
    else skipped.push({ id: path, reason: `not an image file (accepted: ${IMAGE_EXTENSIONS.join(', ')})` });
  }
  for (const sub of dirs) {
    if (sub.startsWith('.')) skipped.push({ id: join(dir, sub), reason: 'hidden folder' });
    else for (const path of await collectImages(join(dir, sub), skipped)) images.push(path);
  }
  return images;
}

/** Samples of a folder holding one sub-folder per class. */
async function readClassFolders(dir: string, skipped: Skipped): Promise<DatasetSample[]> {
  const { dirs, files } = await listEntries(dir);
  for (const file of files) skipped.push({ id: join(dir, file), reason: 'not inside a class folder' });
  const samples: DatasetSample[] = [];
  const classes = dirs.filter((name) => {
    if (!name.startsWith('.')) return true;
    skipped.push({ id: join(dir, name), reason: 'hidden folder' });
    return false;
  });
  if (classes.length === 0) {
    throw new HeadstartError(
      'DATASET_INVALID',
      `No class folders in "${dir}"; put each class's images in its own sub-folder (e.g. ${join(dir, 'cats')}, ${join(dir, 'dogs')}).`,
    );
  }
  for (const label of classes) {
    const images = await collectImages(join(dir, label), skipped);
    if (images.length === 0) {
      throw new HeadstartError(
        'DATASET_INVALID',
        `Class folder "${join(dir, label)}" has no image files (accepted: ${IMAGE_EXTENSIONS.join(', ')}); add images or remove it.`,
      );
    }
    for (const path of images) samples.push(fileSample(path, label));
  }
  return samples;
}

const TEST_FOLDERS = ['test', 'val', 'validation'];

/** The `train/` + `test/` layout: only those folders at the top (test optional), each with class sub-folders. */
async function splitFolders(dir: string): Promise<{ train: string; test: string | undefined } | undefined> {
  const dirs = (await listEntries(dir)).dirs.filter((name) => !name.startsWith('.'));
  const others = dirs.filter((name) => name !== 'train');
  if (others.length === dirs.length || others.length > 1) return undefined;
  if (others[0] !== undefined && !TEST_FOLDERS.includes(others[0])) return undefined;
  const train = join(dir, 'train');
  const test = others[0] === undefined ? undefined : join(dir, others[0]);
  if ((await listEntries(train)).dirs.length === 0) return undefined;
  if (test !== undefined && (await listEntries(test)).dirs.length === 0) return undefined;
  return { train, test };
}

/**
 * Reads a folder of class folders, as Keras' image_dataset_from_directory does: the sub-folder names are
 * the labels and every image file below a class folder is a sample of it. Non-image and hidden files are
 * listed in `skipped`. A class folder without images is a DATASET_INVALID error (an empty class would
 * silently become an untrainable output), and fewer than two classes is DATASET_TOO_SMALL. A folder with
 * just `train/` and `test/` (or `val/`), each holding class folders, gives a dataset with a test set.
 */
export async function openFolderDataset({ dir }: OpenFolderDatasetOptions): Promise<Dataset> {
  const root = resolve(dir);
  await requireDirectory(root, 'Dataset folder');
  const skipped: Skipped = [];
  const layout = await splitFolders(root);
  const samples = await readClassFolders(layout?.train ?? root, skipped);
  const labels = sortLabels(samples.map((s) => s.label));
  if (labels.length < 2) {
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `Found 1 class "${labels[0] ?? ''}" in "${layout?.train ?? root}"; need at least 2 class folders.`,
    );
  }
  const dataset: Dataset = { name: basename(root), labels, samples, skipped, source: `folder:${root}` };
  if (layout?.test !== undefined) {
    const test = await readClassFolders(layout.test, skipped);
    const unknown = sortLabels(test.map((s) => s.label)).filter((label) => !labels.includes(label));
    if (unknown.length > 0) {
      throw new HeadstartError(
        'DATASET_INVALID',
        `Test folder "${layout.test}" has class ${formatChoices(unknown.map((l) => `"${l}"`))} not in "${layout.train}"; ` +
          `its classes must be among ${formatChoices(labels)}.`,
      );
    }
    dataset.test = test;
  }
  return dataset;
}

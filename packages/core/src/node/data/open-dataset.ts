import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Dataset } from '../../data/dataset.ts';
import { HeadstartError, formatChoices } from '../../errors.ts';
import { openCsvDataset } from './csv-dataset.ts';
import { openFolderDataset } from './folder-dataset.ts';
import { FASHION_MNIST_LABELS, findIdxFiles, openIdxDataset } from './idx-dataset.ts';
import { compareNames, pathKind } from './image-files.ts';
import { openMnistBuiltin } from './mnist-builtin.ts';

/** Where Debian's `dataset-fashion-mnist` package installs the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const LAYOUTS =
  'one sub-folder per class, train/ and test/ folders of class folders, MNIST IDX files ' +
  '(train-images-idx3-ubyte, train-labels-idx1-ubyte, optionally .gz) or a filename,label CSV';

export interface OpenDatasetOptions {
  /** `mnist`, `fashion-mnist`, a folder (class folders or IDX files) or a `.csv` file. */
  ref: string;
  /** CSV only: when false, rows whose file is missing are skipped instead of failing. Default true. */
  strict?: boolean;
  /** CSV only: the folder file names are relative to. */
  imagesDir?: string;
  /** Allowed labels; any other label in the dataset is a DATASET_INVALID error. */
  labels?: readonly string[];
  /** Override for tests and other installs; default FASHION_MNIST_DIR. */
  fashionMnistDir?: string;
}

/** A directory's layout: IDX files, class folders, a single CSV beside its images, or none of those. */
async function openDirectory(dir: string, options: OpenDatasetOptions): Promise<Dataset> {
  const idx = await findIdxFiles(dir);
  if (Object.keys(idx).length > 0) return openIdxDataset({ dir });
  const entries = await readdir(dir, { withFileTypes: true });
  const visible = entries.filter((e) => !e.name.startsWith('.'));
  const subfolders: string[] = [];
  for (const e of visible) {
    if (e.isDirectory() || (e.isSymbolicLink() && (await pathKind(join(dir, e.name))) === 'directory'))
      subfolders.push(e.name);
  }
  const csvs = visible
    .filter((e) => e.isFile() && extname(e.name).toLowerCase() === '.csv')
    .map((e) => e.name);
  const onlyImagesFolder = subfolders.every((name) => name === 'images');
  if (csvs.length === 1 && onlyImagesFolder) {
    return openCsvDataset({ ...csvOptions(options), csvPath: join(dir, csvs[0] as string) });
  }
  if (subfolders.length > 0) return openFolderDataset({ dir });
  const found =
    csvs.length > 1
      ? ` It holds ${csvs.length} CSV files (${csvs.sort(compareNames).join(', ')}); name one.`
      : '';
  throw new HeadstartError('DATASET_INVALID', `"${dir}" is not a dataset folder; use ${LAYOUTS}.${found}`);
}

function csvOptions({ strict, imagesDir, labels }: OpenDatasetOptions): {
  strict?: boolean;
  imagesDir?: string;
  labels?: readonly string[];
} {
  return {
    ...(strict !== undefined && { strict }),
    ...(imagesDir !== undefined && { imagesDir }),
    ...(labels !== undefined && { labels }),
  };
}

function checkAllowedLabels(dataset: Dataset, allowed: readonly string[] | undefined): Dataset {
  if (allowed === undefined) return dataset;
  const present = new Set([...dataset.labels, ...(dataset.test ?? []).map((s) => s.label)]);
  const unknown = [...present].filter((label) => !allowed.includes(label));
  if (unknown.length > 0) {
    throw new HeadstartError(
      'DATASET_INVALID',
      `Dataset "${dataset.name}" has label ${formatChoices(unknown.map((l) => `"${l}"`))}; allowed labels are ${formatChoices(allowed)}.`,
    );
  }
  return dataset;
}

/**
 * Opens a dataset by reference: `mnist` (the built-in 10,000 digits), `fashion-mnist` (Debian's
 * dataset-fashion-mnist package), a folder of MNIST IDX files, a folder of class folders, or a `.csv` of
 * filename,label rows (a folder holding just one CSV and its images counts as that CSV). The names win
 * over same-named folders; write `./mnist` for a folder.
 */
export async function openDataset(options: OpenDatasetOptions): Promise<Dataset> {
  const { ref, labels } = options;
  if (ref === 'mnist') return checkAllowedLabels(await openMnistBuiltin(), labels);
  if (ref === 'fashion-mnist') {
    const dir = options.fashionMnistDir ?? FASHION_MNIST_DIR;
    if ((await pathKind(dir)) !== 'directory') {
      throw new HeadstartError(
        'PATH_NOT_FOUND',
        `Fashion-MNIST is not installed at "${dir}"; install it with: apt-get install dataset-fashion-mnist.`,
      );
    }
    return checkAllowedLabels(await openIdxDataset({ dir, labelNames: FASHION_MNIST_LABELS }), labels);
  }
  const path = resolve(ref);
  const kind = await pathKind(path);
  if (kind === undefined) {
    throw new HeadstartError(
      'PATH_NOT_FOUND',
      `Dataset "${ref}" not found: no such file or folder "${path}"; or use mnist or fashion-mnist.`,
    );
  }
  if (kind === 'directory') return checkAllowedLabels(await openDirectory(path, options), labels);
  if (extname(path).toLowerCase() === '.csv')
    return openCsvDataset({ ...csvOptions(options), csvPath: path });
  throw new HeadstartError(
    'DATASET_INVALID',
    `"${path}" is not a dataset; use mnist, fashion-mnist, ${LAYOUTS}.`,
  );
}

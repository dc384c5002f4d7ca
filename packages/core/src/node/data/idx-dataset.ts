import { readFile, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { sortLabels, type Dataset, type DatasetSample } from '../../data/dataset.ts';
import { parseIdxPair } from '../../data/idx.ts';
import { HeadstartError } from '../../errors.ts';
import { grayToRgb } from '../../image/rgb-image.ts';
import { compareNames, requireDirectory } from './image-files.ts';

const gunzipAsync = promisify(gunzip);

/** Fashion-MNIST's class names, by label value. */
export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** `train-images-idx3-ubyte`, `t10k-labels.idx1-ubyte.gz`, …: part, kind, optional gzip. */
const IDX_NAME = /^(train|t10k)-(images|labels)[-.]idx[13]-ubyte(\.gz)?$/;

/** The IDX files of a folder, by `<part>-<kind>`, e.g. `train-images`. */
export type IdxFiles = Partial<
  Record<'train-images' | 'train-labels' | 't10k-images' | 't10k-labels', string>
>;

/** Finds MNIST-style IDX files in `dir` (an uncompressed file wins over its `.gz`). */
export async function findIdxFiles(dir: string): Promise<IdxFiles> {
  const found: IdxFiles = {};
  const names = (await readdir(dir)).sort(compareNames).reverse();
  for (const name of names) {
    const match = IDX_NAME.exec(name);
    if (match !== null) found[`${match[1]}-${match[2]}` as keyof IdxFiles] = join(dir, name);
  }
  return found;
}

async function readMaybeGzipped(path: string): Promise<Uint8Array> {
  const raw = await readFile(path);
  if (!path.endsWith('.gz')) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (error) {
    throw new HeadstartError('DATASET_INVALID', `Cannot decompress "${path}": ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

async function readPart(
  dataset: string,
  part: 'train' | 'test',
  imagesPath: string,
  labelsPath: string,
  names: readonly string[] | undefined,
): Promise<DatasetSample[]> {
  const parsed = parseIdxPair({
    images: await readMaybeGzipped(imagesPath),
    labels: await readMaybeGzipped(labelsPath),
    imagesName: basename(imagesPath),
    labelsName: basename(labelsPath),
  });
  const { count, rows, cols, pixels, labels } = parsed;
  const size = rows * cols;
  const samples: DatasetSample[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const value = labels[i] as number;
    const label = names === undefined ? String(value) : names[value];
    if (label === undefined) {
      throw new HeadstartError(
        'DATASET_INVALID',
        `"${basename(labelsPath)}" has label ${value} at sample ${i}; ${dataset} names labels 0 to ${(names?.length ?? 0) - 1}.`,
      );
    }
    // Views into the one decompressed buffer; pixels are expanded to RGB only when a sample is read.
    const gray = pixels.subarray(i * size, (i + 1) * size);
    samples[i] = {
      id: `${dataset}#${part}-${i}`,
      label,
      read: async () => ({ kind: 'pixels', image: grayToRgb(cols, rows, gray) }),
    };
  }
  return samples;
}

export interface OpenIdxDatasetOptions {
  /** A folder with `train-images-idx3-ubyte` + `train-labels-idx1-ubyte` (and optionally the `t10k-` test pair), gzipped or not. */
  dir: string;
  /** Names of label values 0, 1, …; default Fashion-MNIST's when the folder name contains "fashion", else the digits. */
  labelNames?: readonly string[];
}

/** Reads an MNIST-format folder; the `t10k-` pair, when present, becomes the test set. */
export async function openIdxDataset({ dir, labelNames }: OpenIdxDatasetOptions): Promise<Dataset> {
  const root = resolve(dir);
  await requireDirectory(root, 'IDX dataset folder');
  const name = basename(root);
  const names = labelNames ?? (/fashion/i.test(name) ? FASHION_MNIST_LABELS : undefined);
  const files = await findIdxFiles(root);
  const trainImages = files['train-images'];
  const trainLabels = files['train-labels'];
  if (trainImages === undefined || trainLabels === undefined) {
    throw new HeadstartError(
      'DATASET_INVALID',
      `"${root}" lacks ${trainImages === undefined ? 'train-images-idx3-ubyte' : 'train-labels-idx1-ubyte'} (optionally .gz); an IDX dataset needs both.`,
    );
  }
  const samples = await readPart(name, 'train', trainImages, trainLabels, names);
  const labels = sortLabels(samples.map((s) => s.label));
  if (labels.length < 2) {
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `Found ${labels.length} class in "${trainLabels}"; need at least 2.`,
    );
  }
  const dataset: Dataset = { name, labels, samples, skipped: [], source: `idx:${root}` };
  const testImages = files['t10k-images'];
  const testLabels = files['t10k-labels'];
  if ((testImages === undefined) !== (testLabels === undefined)) {
    throw new HeadstartError(
      'DATASET_INVALID',
      `"${root}" has ${testImages === undefined ? 't10k-labels but no t10k-images' : 't10k-images but no t10k-labels'} file; the test set needs both.`,
    );
  }
  if (testImages !== undefined && testLabels !== undefined) {
    dataset.test = await readPart(name, 'test', testImages, testLabels, names);
    const unknown = sortLabels(dataset.test.map((s) => s.label)).filter((l) => !labels.includes(l));
    if (unknown.length > 0) {
      throw new HeadstartError(
        'DATASET_INVALID',
        `"${testLabels}" has labels ${unknown.join(', ')} that the training set lacks.`,
      );
    }
  }
  return dataset;
}

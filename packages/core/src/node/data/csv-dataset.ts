import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseCsvLabels, type CsvLabelRow } from '../../data/csv-labels.ts';
import { sortLabels, type Dataset, type DatasetSample } from '../../data/dataset.ts';
import { HeadstartError, formatChoices } from '../../errors.ts';
import { fileSample, pathKind, requireDirectory } from './image-files.ts';

export interface OpenCsvDatasetOptions {
  /** A CSV of `filename,label` rows (header optional). */
  csvPath: string;
  /** Where the file names are relative to; default the CSV's folder, or an `images/` folder beside it. */
  imagesDir?: string;
  /** When false, rows whose file is missing are skipped (and listed) instead of failing. Default true. */
  strict?: boolean;
  /** Allowed labels; a row with another label is a DATASET_INVALID error. */
  labels?: readonly string[];
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The CSV's folder, unless the first row's file is only found in an `images/` folder beside the CSV. */
function defaultImagesDir(csvDir: string, first: CsvLabelRow): string {
  const images = join(csvDir, 'images');
  if (!isFile(resolve(csvDir, first.file)) && isFile(resolve(images, first.file))) return images;
  return csvDir;
}

/**
 * Reads a dataset listed in a CSV of `filename,label` rows. A row whose file does not exist is a
 * DATASET_INVALID error naming the file and the line (skipped and listed when `strict` is false); a file
 * listed twice with the same label is skipped, with different labels it is an error.
 */
export async function openCsvDataset({
  csvPath,
  imagesDir,
  strict = true,
  labels: allowed,
}: OpenCsvDatasetOptions): Promise<Dataset> {
  const csvFile = resolve(csvPath);
  const kind = await pathKind(csvFile);
  if (kind !== 'file') {
    throw new HeadstartError(
      'PATH_NOT_FOUND',
      `CSV file "${csvFile}" ${kind === undefined ? 'does not exist' : 'is not a file'}.`,
    );
  }
  if (imagesDir !== undefined) await requireDirectory(resolve(imagesDir), 'Images folder');
  const name = basename(csvFile);
  const rows = parseCsvLabels({ text: await readFile(csvFile, 'utf8'), name });
  const first = rows[0];
  if (first === undefined)
    throw new HeadstartError('DATASET_INVALID', `CSV "${csvFile}" lists no images; add filename,label rows.`);
  const base = imagesDir !== undefined ? resolve(imagesDir) : defaultImagesDir(dirname(csvFile), first);

  const samples: DatasetSample[] = [];
  const skipped: Dataset['skipped'] = [];
  const seen = new Map<string, CsvLabelRow>();
  for (const row of rows) {
    if (allowed !== undefined && !allowed.includes(row.label)) {
      throw new HeadstartError(
        'DATASET_INVALID',
        `CSV "${name}" line ${row.line} has label "${row.label}"; allowed labels are ${formatChoices(allowed)}.`,
      );
    }
    const path = resolve(base, row.file);
    const earlier = seen.get(path);
    if (earlier !== undefined) {
      if (earlier.label !== row.label) {
        throw new HeadstartError(
          'DATASET_INVALID',
          `CSV "${name}" lists "${row.file}" as "${earlier.label}" on line ${earlier.line} and as "${row.label}" on line ${row.line}.`,
        );
      }
      skipped.push({ id: path, reason: `line ${row.line}: listed again (first on line ${earlier.line})` });
      continue;
    }
    seen.set(path, row);
    if (!isFile(path)) {
      if (strict) {
        throw new HeadstartError(
          'DATASET_INVALID',
          `CSV "${name}" line ${row.line}: image "${row.file}" not found in "${base}".`,
        );
      }
      skipped.push({ id: path, reason: `line ${row.line}: file not found` });
      continue;
    }
    samples.push(fileSample(path, row.label));
  }
  const labels = sortLabels(samples.map((s) => s.label));
  if (labels.length < 2) {
    throw new HeadstartError(
      'DATASET_TOO_SMALL',
      `Found ${labels.length} class${labels.length === 1 ? ` "${labels[0]}"` : 'es'} in "${csvFile}"; need at least 2.`,
    );
  }
  return { name: basename(csvFile, '.csv'), labels, samples, skipped, source: `csv:${csvFile}` };
}

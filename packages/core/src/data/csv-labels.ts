// The self-contained build: csv-parse's default entry needs Node's global Buffer as soon as it loads.
import { parse } from 'csv-parse/browser/esm/sync';
import { HeadstartError } from '../errors.ts';

/** One row of a labels CSV: the image file as written in the CSV, its label and its 1-based line. */
export interface CsvLabelRow {
  file: string;
  label: string;
  line: number;
}

export interface ParseCsvLabelsOptions {
  /** The CSV text (or its UTF-8 bytes). */
  text: string | Uint8Array;
  /** File name for messages. */
  name?: string;
}

/** Header names recognised for the two columns; other columns are ignored. */
const FILE_HEADERS = [
  'filename',
  'file',
  'file_name',
  'filepath',
  'file_path',
  'path',
  'image',
  'image_path',
  'img',
  'id',
  'name',
];
const LABEL_HEADERS = ['label', 'labels', 'class', 'class_name', 'category', 'target'];

interface Columns {
  file: number;
  label: number;
}

/** The column positions when the first record is a header (`filename,label`, `id,class`, …), else undefined. */
function headerColumns(first: readonly string[]): Columns | undefined {
  const names = first.map((field) => field.toLowerCase());
  const file = names.findIndex((n) => FILE_HEADERS.includes(n));
  const label = names.findIndex((n) => LABEL_HEADERS.includes(n));
  if (file < 0 && label < 0) return undefined;
  const resolvedFile = file >= 0 ? file : label === 0 ? 1 : 0;
  return { file: resolvedFile, label: label >= 0 ? label : resolvedFile === 0 ? 1 : 0 };
}

function readRecords(
  text: string | Uint8Array,
  name: string,
): { record: string[]; info: { lines: number } }[] {
  try {
    const input = typeof text === 'string' ? text : new TextDecoder('utf-8').decode(text);
    return parse(input, {
      info: true,
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HeadstartError('DATASET_INVALID', `Cannot read CSV "${name}": ${reason}.`, { cause: error });
  }
}

/**
 * Parses a `filename,label` CSV. A first row naming its columns (`filename,label`, `id,label`, `file,class`,
 * …) is taken as a header; fields are trimmed; blank lines are skipped; a row without a file name or a label
 * is a DATASET_INVALID error naming its line.
 */
export function parseCsvLabels({ text, name = 'labels.csv' }: ParseCsvLabelsOptions): CsvLabelRow[] {
  const records = readRecords(text, name);
  const first = records[0];
  const header = first === undefined ? undefined : headerColumns(first.record);
  const columns = header ?? { file: 0, label: 1 };
  const rows: CsvLabelRow[] = [];
  for (const { record, info } of header === undefined ? records : records.slice(1)) {
    const file = record[columns.file] ?? '';
    const label = record[columns.label] ?? '';
    if (file === '' || label === '') {
      const missing = file === '' ? 'file name' : 'label';
      throw new HeadstartError(
        'DATASET_INVALID',
        `CSV "${name}" line ${info.lines} has no ${missing}: "${record.join(',')}"; each row needs filename,label.`,
      );
    }
    rows.push({ file, label, line: info.lines });
  }
  return rows;
}

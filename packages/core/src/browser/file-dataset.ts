import type { Dataset, DatasetSample } from '../data/dataset.ts';
import { sortLabels } from '../data/dataset.ts';
import { HeadstartError } from '../errors.ts';

/** One class as the page collects it: a name and the files dropped into it. */
export interface FileClass {
  label: string;
  /** Files (or Blobs) with the names they are shown and cached under. */
  files: readonly { name: string; blob: Blob }[];
}

/**
 * A Dataset over files picked or dropped in the browser, one group per class. Labels are trimmed and
 * sorted as every reader sorts them; a class with no name, no files, or a name used twice is refused
 * (DATASET_INVALID / DATASET_TOO_SMALL) naming it. Bytes are read only when a sample is read.
 */
export function createFileDataset(options: { name: string; classes: readonly FileClass[] }): Dataset {
  const seen = new Set<string>();
  for (const group of options.classes) {
    const label = group.label.trim();
    if (label === '') throw new HeadstartError('DATASET_INVALID', 'A class has no name; name every class.');
    if (seen.has(label))
      throw new HeadstartError(
        'DATASET_INVALID',
        `Two classes are named "${label}"; class names must differ.`,
      );
    seen.add(label);
    if (group.files.length === 0) {
      throw new HeadstartError(
        'DATASET_TOO_SMALL',
        `Class "${label}" has no images; drop at least 2 into it.`,
      );
    }
  }
  const labels = sortLabels(seen);
  const byLabel = new Map(options.classes.map((group) => [group.label.trim(), group]));
  const samples: DatasetSample[] = labels.flatMap((label) =>
    (byLabel.get(label)?.files ?? []).map((file) => ({
      id: `${label}/${file.name}`,
      label,
      read: async () => ({ kind: 'encoded' as const, bytes: new Uint8Array(await file.blob.arrayBuffer()) }),
    })),
  );
  return { name: options.name, labels, samples, skipped: [], source: `browser:${options.name}` };
}

import type { RgbImage } from '../image/rgb-image.ts';

/** What a sample holds: encoded file bytes (PNG, JPEG, …) still to decode, or pixels already decoded. */
export type SampleContent = { kind: 'encoded'; bytes: Uint8Array } | { kind: 'pixels'; image: RgbImage };

/** One labelled example. Content is read lazily so that a listing of 60,000 files stays cheap. */
export interface DatasetSample {
  /** File path or e.g. `mnist#123`. */
  id: string;
  label: string;
  read(): Promise<SampleContent>;
}

/** A labelled image collection as a reader found it. */
export interface Dataset {
  name: string;
  /** Sorted, distinct. */
  labels: string[];
  samples: DatasetSample[];
  /** Optional separate test set. */
  test?: DatasetSample[];
  /** Files skipped while listing, with why. */
  skipped: { id: string; reason: string }[];
  /** Describes where it came from, for fingerprints and messages. */
  source: string;
}

/** Sorts labels by UTF-16 code units (not locale) so the order, and hence class indices, match everywhere. */
export function sortLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

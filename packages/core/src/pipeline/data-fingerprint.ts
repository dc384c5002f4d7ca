import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { DatasetSample } from '../data/dataset.ts';

/**
 * A short fingerprint of which samples, with which labels, a model was trained on: the same listing gives
 * the same fingerprint, so two bundles can be told apart by their data without storing it.
 */
export function dataFingerprint(options: { source: string; samples: readonly DatasetSample[] }): string {
  const hash = sha256.create().update(utf8ToBytes(`${options.source}\n`));
  for (const sample of options.samples) hash.update(utf8ToBytes(`${sample.id}\t${sample.label}\n`));
  return `sha256:${bytesToHex(hash.digest()).slice(0, 32)}`;
}

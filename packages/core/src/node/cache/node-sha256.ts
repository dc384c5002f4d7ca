import { createHash } from 'node:crypto';
import type { Sha256Hex } from '../../cache/feature-cache.ts';

/** sha256 through Node's crypto: the same keys as the portable one, at a fraction of its CPU time. */
export const nodeSha256Hex: Sha256Hex = (parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

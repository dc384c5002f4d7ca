import { open, type FileHandle } from 'node:fs/promises';
import type { FeatureSource } from '../packages/core/src/head/feature-source.ts';

/**
 * A FeatureSource over a file of row-major float32 rows (`count × dim`), read a batch at a time with
 * positioned reads, so only the batch in flight is in memory. Adjacent rows are read in one call.
 */
export async function openFileFeatureSource(options: {
  path: string;
  dim: number;
  labels: Int32Array;
}): Promise<FeatureSource & { close(): Promise<void> }> {
  const { path, dim, labels } = options;
  const handle: FileHandle = await open(path, 'r');
  const rowBytes = dim * 4;
  return {
    count: labels.length,
    dim,
    labels,
    async getBatch(indices) {
      const out = new Float32Array(indices.length * dim);
      const bytes = new Uint8Array(out.buffer);
      for (let i = 0; i < indices.length;) {
        let run = 1;
        while (i + run < indices.length && indices[i + run] === (indices[i] as number) + run) run++;
        const length = run * rowBytes;
        const { bytesRead } = await handle.read(
          bytes,
          i * rowBytes,
          length,
          (indices[i] as number) * rowBytes,
        );
        if (bytesRead !== length) throw new Error(`Short read at row ${indices[i]} of ${path}.`);
        i += run;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetSample } from '../packages/core/src/data/dataset.ts';
import { openFolderDataset } from '../packages/core/src/node/data/folder-dataset.ts';
import { openMnistBuiltin } from '../packages/core/src/node/data/mnist-builtin.ts';
import { coreRequire } from './core-require.ts';

interface Sharp {
  (
    input: Uint8Array,
    options: { raw: { width: number; height: number; channels: 3 } },
  ): {
    png(): { toBuffer(): Promise<Uint8Array> };
  };
}

/**
 * `count` MNIST digits written as PNG files in class folders under a temp dir, opened as a folder dataset:
 * extraction then reads and decodes files, as it does for a user's images. `dispose` removes the dir.
 */
export async function mnistPngFolder(
  count: number,
): Promise<{ samples: DatasetSample[]; dispose(): Promise<void> }> {
  const sharp = coreRequire('sharp') as Sharp;
  const mnist = await openMnistBuiltin();
  const dir = await mkdtemp(join(tmpdir(), 'headstart-bench-images-'));
  // Spread the picks over all digits: the built-in set is in digit order.
  const step = Math.max(1, Math.floor(mnist.samples.length / count));
  for (let i = 0; i < count; i++) {
    const sample = mnist.samples[(i * step) % mnist.samples.length] as DatasetSample;
    const content = await sample.read();
    if (content.kind !== 'pixels') throw new Error('The built-in MNIST set should hold pixels.');
    const { width, height, data } = content.image;
    const png = await sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    const folder = join(dir, sample.label);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `${String(i).padStart(5, '0')}.png`), png);
  }
  const dataset = await openFolderDataset({ dir });
  return { samples: dataset.samples, dispose: () => rm(dir, { recursive: true, force: true }) };
}

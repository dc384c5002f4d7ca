import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticClusters } from '../head/synthetic-clusters.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { adviseScenario } from './advise-scenario.ts';
import { linearProbe } from './linear-probe.ts';

beforeAll(async () => {
  expect((await initTfjs({ backend: 'wasm' })).backend).toBe('wasm');
});

/** Per-class counts of integer labels. */
function counts(labels: Int32Array, classes: number): number[] {
  const out = new Array<number>(classes).fill(0);
  labels.forEach((l) => (out[l] = (out[l] as number) + 1));
  return out;
}

describe('adviseScenario on synthetic datasets', () => {
  it('advises a new head where frozen features already separate a small dataset', async () => {
    const data = syntheticClusters({ numClasses: 3, dim: 16, perClass: 60, seed: 1, separation: 4 });
    const probe = await linearProbe({ ...data, seed: 1 });
    expect(probe.accuracy).toBeGreaterThan(0.95);
    expect(probe).toMatchObject({ trainCount: 126, valCount: 54 });
    const advice = adviseScenario({
      perClassCounts: counts(data.labels, 3),
      probeAccuracy: probe.accuracy,
      weights: 'imagenet',
      data: 'photos/',
    });
    expect(advice.scenario).toBe('head');
    expect(advice.command).toBe('headstart train --data photos/ --weights imagenet --scenario head');
    expect(advice.reason).toContain(`scores ${(probe.accuracy * 100).toFixed(1)}% held out (chance 33.3%)`);
  });

  it('advises partial fine-tuning where they separate it poorly', async () => {
    const data = syntheticClusters({ numClasses: 3, dim: 16, perClass: 120, seed: 2, separation: 0.2 });
    const probe = await linearProbe({ ...data, seed: 1 });
    expect(probe.accuracy).toBeLessThan(0.6);
    const advice = adviseScenario({
      perClassCounts: counts(data.labels, 3),
      probeAccuracy: probe.accuracy,
      weights: 'imagenet',
      data: 'my photos',
      backbone: 'vgg16',
    });
    expect(advice).toMatchObject({ scenario: 'partial', trainableFrom: 4, medianPerClass: 120 });
    expect(advice.command).toBe(
      "headstart train --data 'my photos' --backbone vgg16 --weights imagenet --scenario partial --trainable-from block4",
    );
    expect(advice.reason).toMatch(
      /^120 images per class \(median\) is small but a linear probe .* retrain block4–5 with the head\.$/,
    );
  });
});

describe('adviseScenario rules', () => {
  const advise = (perClass: number, probeAccuracy: number, weights: 'imagenet' | 'random' = 'imagenet') =>
    adviseScenario({ perClassCounts: [perClass, perClass, perClass, perClass], probeAccuracy, weights });

  it('follows the size × similarity matrix', () => {
    expect(advise(10, 0.3).scenario).toBe('head');
    expect(advise(200, 0.97).scenario).toBe('head');
    expect(advise(200, 0.7)).toMatchObject({ scenario: 'partial', trainableFrom: 5 });
    expect(advise(200, 0.4)).toMatchObject({ scenario: 'partial', trainableFrom: 4 });
    expect(advise(5000, 0.97).scenario).toBe('full');
    expect(advise(5000, 0.5).scenario).toBe('scratch');
    expect(advise(5000, 0.97, 'random').scenario).toBe('scratch');
    expect(advise(5000, 0.97).probeScore).toBeCloseTo(0.96, 6);
  });

  it('uses the median class and refuses nonsense', () => {
    expect(
      adviseScenario({ perClassCounts: [5, 3000, 3000], probeAccuracy: 0.99, weights: 'imagenet' }).scenario,
    ).toBe('full');
    expect(() => adviseScenario({ perClassCounts: [10], probeAccuracy: 0.5, weights: 'imagenet' })).toThrow(
      'Advice needs at least 2 classes; the dataset has 1.',
    );
    expect(() => advise(10, 1.5)).toThrow('Probe accuracy 1.5 must be between 0 and 1.');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { buildHead, headShape } from './build-head.ts';
import { parseHeadSpec } from './head-spec.ts';

beforeAll(async () => {
  await initTfjs({ backend: 'wasm' });
});

const spec = parseHeadSpec({ value: 'mlp:64/tanh,16@0.5' });

function weightsOf(seed: number): number[][] {
  const model = buildHead({ spec, inputDim: 20, numClasses: 4, seed });
  const values = model.getWeights().map((w) => Array.from(w.dataSync()));
  model.dispose();
  return values;
}

describe('buildHead', () => {
  it('builds a plain Sequential of Dense layers ending in softmax', () => {
    const model = buildHead({ spec, inputDim: 20, numClasses: 4, seed: 1 });
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Dense']);
    expect(model.layers.map((l) => (l.getConfig() as { activation: string }).activation)).toEqual([
      'tanh',
      'relu',
      'softmax',
    ]);
    expect(model.layers.map((l) => l.name)).toEqual(['hidden_1', 'hidden_2', 'output']);
    expect(headShape(model)).toEqual({ inputDim: 20, numClasses: 4 });
    model.dispose();
    const linear = buildHead({
      spec: parseHeadSpec({ value: 'linear' }),
      inputDim: 5,
      numClasses: 2,
      seed: 1,
    });
    expect(linear.layers).toHaveLength(1);
    expect(headShape(linear)).toEqual({ inputDim: 5, numClasses: 2 });
    linear.dispose();
  });

  it('seeds glorot-uniform kernels and zero biases', () => {
    const a = weightsOf(5);
    expect(weightsOf(5)).toEqual(a);
    expect(weightsOf(6)[0]).not.toEqual(a[0]);
    const [kernel1, bias1] = a;
    const limit = Math.sqrt(6 / (20 + 64));
    expect(Math.max(...(kernel1 as number[]).map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...(kernel1 as number[]).map(Math.abs))).toBeGreaterThan(limit * 0.9);
    expect(new Set(bias1)).toEqual(new Set([0]));
    // Layers get distinct seeds: the two hidden kernels are not copies of one stream.
    expect(a[2]?.slice(0, 8)).not.toEqual(a[0]?.slice(0, 8));
  });

  it('rejects impossible shapes and specs', () => {
    expect(() => buildHead({ spec, inputDim: 0, numClasses: 3, seed: 1 })).toThrow('Head input dim 0');
    expect(() => buildHead({ spec, inputDim: 3, numClasses: 1, seed: 1 })).toThrow('at least 2 classes');
    const bad = { kind: 'mlp' as const, layers: [{ units: 0, activation: 'relu' as const, dropout: 0 }] };
    expect(() => buildHead({ spec: bad, inputDim: 3, numClasses: 3, seed: 1 })).toThrow('Invalid head spec');
  });
});

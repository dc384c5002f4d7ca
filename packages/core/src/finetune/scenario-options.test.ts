import { describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../backbone/build-vgg-onnx.ts';
import { isHeadstartError } from '../errors.ts';
import { runOnnxGraph } from '../node/finetune/run-onnx-graph.ts';
import { planFinetune } from './plan-finetune.ts';
import {
  parseScenario,
  parseTrainableFrom,
  resolveScenarioOptions,
  type ScenarioOptionsInput,
} from './scenario-options.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 3 } });
const oneBlock = buildVggOnnx({ arch: 'vgg16-micro-b1', weights: { kind: 'random', seed: 3 } });

function failure(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(isHeadstartError(error, 'INVALID_OPTION')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected INVALID_OPTION');
}

const base: ScenarioOptionsInput = { scenario: 'partial', spec: micro.spec, learningRate: 1e-3, epochs: 10 };

describe('scenario options', () => {
  it('parses scenarios and blocks', () => {
    expect(parseScenario('full')).toBe('full');
    expect(failure(() => parseScenario('fine'))).toBe(
      'Unknown scenario "fine"; use head, partial, scratch or full.',
    );
    expect(parseTrainableFrom('block4', micro.spec)).toBe(4);
    expect(parseTrainableFrom('5', micro.spec)).toBe(5);
    expect(failure(() => parseTrainableFrom('block6', micro.spec))).toBe(
      'Unknown block "block6" for --trainable-from; vgg16-micro-random-s3 has block1, block2, block3, block4 or block5.',
    );
    expect(failure(() => parseTrainableFrom('conv4', micro.spec))).toMatch(/^Unknown block "conv4"/);
  });

  it('applies per-scenario defaults', () => {
    expect(resolveScenarioOptions(base)).toEqual({
      scenario: 'partial',
      trainableFrom: 5,
      learningRate: 1e-3,
      learningRateBackbone: 1e-5,
      warmupEpochs: 1,
      augment: { shift: 0, flip: false },
    });
    expect(resolveScenarioOptions({ ...base, scenario: 'scratch' })).toMatchObject({
      trainableFrom: 1,
      learningRateBackbone: 1e-4,
      warmupEpochs: 0,
    });
    expect(
      resolveScenarioOptions({ ...base, scenario: 'full', warmupEpochs: 3, learningRateBackbone: 1e-5 }),
    ).toMatchObject({
      trainableFrom: 1,
      warmupEpochs: 3,
      learningRateBackbone: 1e-5,
    });
    expect(resolveScenarioOptions({ ...base, scenario: 'head' }).trainableFrom).toBe(6);
  });

  it('refuses bad combinations with one clear line', () => {
    expect(failure(() => resolveScenarioOptions({ ...base, spec: oneBlock.spec }))).toBe(
      '--scenario partial needs blocks to freeze and blocks to retrain, but vgg16-micro-b1-random-s3 has 1 block; use --scenario full or scratch.',
    );
    expect(failure(() => resolveScenarioOptions({ ...base, trainableFrom: 1 }))).toBe(
      '--trainable-from block1 freezes nothing; use block2 … block5, or --scenario full.',
    );
    expect(failure(() => resolveScenarioOptions({ ...base, learningRate: 0 }))).toBe(
      '--lr 0 must be a positive number.',
    );
    expect(failure(() => resolveScenarioOptions({ ...base, learningRateBackbone: -0.1 }))).toBe(
      '--lr-backbone -0.1 must be a positive number.',
    );
    expect(
      failure(() =>
        resolveScenarioOptions({ ...base, scenario: 'head', augment: { shift: 2, flip: false } }),
      ),
    ).toBe(
      'augmentation needs a scenario that trains conv layers (partial, scratch or full); features for --scenario head come from the cache.',
    );
    expect(
      failure(() => resolveScenarioOptions({ ...base, scenario: 'head', augment: { shift: 0, flip: true } })),
    ).toMatch(/^augmentation needs/);
    expect(
      failure(() => resolveScenarioOptions({ ...base, scenario: 'head', learningRateBackbone: 1e-4 })),
    ).toMatch(/^--lr-backbone needs a scenario/);
    expect(failure(() => resolveScenarioOptions({ ...base, scenario: 'scratch', trainableFrom: 3 }))).toBe(
      '--trainable-from applies to --scenario partial; --scenario scratch retrains every block.',
    );
    expect(failure(() => resolveScenarioOptions({ ...base, warmupEpochs: 10 }))).toBe(
      '--warmup-epochs 10 must be a whole number below --epochs 10, or the conv blocks never train.',
    );
    expect(failure(() => resolveScenarioOptions({ ...base, augment: { shift: -1, flip: false } }))).toBe(
      'Augmentation shift -1 must be a whole number of pixels ≥ 0.',
    );
  });
});

describe('planFinetune', () => {
  it('cuts the frozen part for partial and reads the retrained blocks’ weights from the graph', async () => {
    const plan = planFinetune({
      scenario: 'partial',
      backbone: micro,
      trainableFrom: 4,
      seed: 1,
      inputSize: 32,
    });
    expect(plan.frozen?.spec.outputName).toBe('block3_pool');
    expect(plan.inputShape).toEqual([16, 4, 4]);
    expect(plan.outputShape).toEqual([32, 1, 1]);
    expect(plan.blocks.map((b) => b.name)).toEqual(['block4', 'block5']);
    const out = await runOnnxGraph({
      bytes: plan.frozen!.bytes,
      feeds: { input: { data: new Float32Array(3 * 32 * 32).fill(1), dims: [1, 3, 32, 32] } },
    });
    expect(out.block3_pool!.dims).toEqual([1, ...plan.inputShape]);
  });

  it('has no frozen part for scratch and full, and seeds scratch apart from the graph', () => {
    const full = planFinetune({
      scenario: 'full',
      backbone: micro,
      trainableFrom: 1,
      seed: 1,
      inputSize: 64,
    });
    const scratch = planFinetune({
      scenario: 'scratch',
      backbone: micro,
      trainableFrom: 1,
      seed: 1,
      inputSize: 64,
    });
    expect(full.frozen).toBeUndefined();
    expect(full.inputShape).toEqual([3, 64, 64]);
    expect(scratch.outputShape).toEqual([32, 2, 2]);
    expect(scratch.blocks[0]!.convs[0]!.kernel).not.toEqual(full.blocks[0]!.convs[0]!.kernel);
    const again = planFinetune({
      scenario: 'scratch',
      backbone: micro,
      trainableFrom: 1,
      seed: 3,
      inputSize: 64,
    });
    expect(again.blocks[4]!.convs[2]!.kernel).toEqual(full.blocks[4]!.convs[2]!.kernel);
    expect(
      failure(() =>
        planFinetune({ scenario: 'full', backbone: micro, trainableFrom: 1, seed: 1, inputSize: 16 }),
      ),
    ).toBe('Invalid input size 16; vgg16-micro-random-s3 takes whole numbers from 32 up.');
  });
});

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocessImage } from '@headstart/core';
import { runAdvise } from '../src/commands/advise.ts';
import { runEvaluate } from '../src/commands/evaluate.ts';
import { runExport } from '../src/commands/export.ts';
import { runPredict } from '../src/commands/predict.ts';
import { runTrain } from '../src/commands/train.ts';
import { captureContext, runArgv, createWorkspace, microTrainFlags, writeFolderDataset } from './fixtures.ts';

describe('fine-tuning scenarios from the command line', () => {
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let data: string;
  let bundle: string;

  beforeAll(async () => {
    ws = await createWorkspace();
    data = join(ws.root, 'colours');
    await writeFolderDataset(data, 10);
    bundle = join(ws.root, 'partial');
  });
  afterAll(() => ws.cleanup());

  it('retrains block 5 with the head and writes a bundle that carries its merged conv base', async () => {
    const ctx = captureContext();
    const result = await runTrain(ctx, {
      ...microTrainFlags(data, bundle),
      scenario: 'partial',
      trainableFrom: 'block5',
      epochs: '8',
      warmupEpochs: '2',
      lr: '0.01',
    });
    expect(result.valAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(ctx.err()).toMatch(/blocks 1–4 frozen in ONNX Runtime, block 5 retrained/);
    expect(ctx.err()).toMatch(/warmup/);
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest.scenario).toMatchObject({ kind: 'partial', trainableFrom: 5, warmupEpochs: 2 });
    expect(manifest.backbone.file).toBe('backbone.onnx');
    expect(existsSync(join(bundle, 'backbone.onnx'))).toBe(true);
    expect(manifest.scenario.base.sha256).not.toBe(manifest.backbone.sha256);
  });

  it('serves the fine-tuned bundle through predict like any other', async () => {
    const predictions = await runPredict(captureContext(), [join(data, 'red'), join(data, 'blue')], {
      model: bundle,
      topK: '3',
      json: true,
      device: 'cpu',
      batchSize: '8',
    });
    const right = predictions.filter((p) => p.ok && p.label === p.id.split('/').at(-2)).length;
    expect(right / predictions.length).toBeGreaterThanOrEqual(0.8);
  });

  it('exports one ONNX graph whose probabilities match the tf.js head within 1e-4', async () => {
    const out = join(ws.root, 'onnx');
    await runExport(captureContext(), { model: bundle, out, format: 'onnx' });
    const description = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    const files = [join(data, 'red', 'red-0.png'), join(data, 'green', 'green-1.png')];
    const reference = await runPredict(captureContext(), files, {
      model: bundle,
      topK: '3',
      json: true,
      device: 'cpu',
      batchSize: '8',
    });
    const session = await ort.InferenceSession.create(await readFile(join(out, 'model.onnx')));
    for (const [i, file] of files.entries()) {
      const { data: pixels, info } = await sharp(file)
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const tensor = preprocessImage({
        image: { width: info.width, height: info.height, data: new Uint8Array(pixels) },
        spec: description.preprocess,
      });
      const result = await session.run({
        [description.input.name]: new ort.Tensor('float32', tensor, [1, 3, 32, 32]),
      });
      const probabilities = result[description.output.name]!.data as Float32Array;
      const ref = reference[i]!;
      if (!ref.ok) throw new Error('reference prediction failed');
      for (const entry of ref.top)
        expect(Math.abs((probabilities[entry.index] as number) - entry.probability)).toBeLessThan(1e-4);
    }
    await session.release();
  });

  it('predicts and evaluates with the merged graph as with the bundle, and refuses a changed graph', async () => {
    const out = join(ws.root, 'onnx');
    const files = [join(data, 'red'), join(data, 'blue')];
    const options = { topK: '3', json: true, device: 'cpu', batchSize: '8' };
    const fromBundle = await runPredict(captureContext(), files, { ...options, model: bundle });
    const fromGraph = await runPredict(captureContext(), files, { ...options, model: out });
    expect(fromGraph.map((p) => p.ok && p.label)).toEqual(fromBundle.map((p) => p.ok && p.label));
    fromGraph.forEach((p, i) => {
      const ref = fromBundle[i]!;
      if (!p.ok || !ref.ok) throw new Error('a prediction failed');
      expect(Math.abs(p.probability - ref.probability)).toBeLessThan(1e-4);
    });
    const evaluate = (model: string) =>
      runEvaluate(captureContext(), {
        model,
        data,
        split: 'all',
        device: 'cpu',
        cache: false,
        out: join(ws.root, `eval-${model === out ? 'graph' : 'bundle'}`),
      });
    expect((await evaluate(out)).accuracy).toBe((await evaluate(bundle)).accuracy);

    const tampered = join(ws.root, 'onnx-tampered');
    await runExport(captureContext(), { model: bundle, out: tampered, format: 'onnx' });
    const graph = await readFile(join(tampered, 'model.onnx'));
    graph[graph.length - 1] = (graph[graph.length - 1]! + 1) % 256;
    await writeFile(join(tampered, 'model.onnx'), graph);
    const r = await runArgv('predict', '--model', tampered, join(data, 'red'));
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/model\.onnx has sha256 [0-9a-f]{64}, but model\.json says/);
  });

  it('exports scenario-1 bundles as one graph too', async () => {
    const head = join(ws.root, 'head-bundle');
    await runTrain(captureContext(), { ...microTrainFlags(data, head), epochs: '2' });
    const out = join(ws.root, 'onnx-head');
    await runExport(captureContext(), { model: head, out, format: 'onnx' });
    expect(existsSync(join(out, 'model.onnx'))).toBe(true);
  });

  it('advises a scenario with the probe accuracy and the exact command', async () => {
    const ctx = captureContext();
    const advice = await runAdvise(ctx, {
      data,
      backbone: 'vgg16-micro',
      weights: 'random',
      backboneSeed: '7',
      device: 'cpu',
      inputSize: '32',
      cache: true,
    });
    expect(['head', 'partial', 'scratch', 'full']).toContain(advice.scenario);
    expect(ctx.out()).toMatch(/linear probe accuracy\s+\d+\.\d\d %/);
    expect(ctx.out()).toContain('headstart train');
    expect(advice.medianPerClass).toBe(10);
  });

  it.each([
    [['--scenario', 'partial', '--trainable-from', 'block9'], /block9/],
    [['--scenario', 'partial', '--lr', '0'], /Invalid --lr "0"/],
    [['--scenario', 'partial', '--lr-backbone', '-1'], /--lr-backbone/],
    [['--augment-shift', '2'], /augmentation needs a scenario that trains conv layers/],
    [['--scenario', 'sideways'], /Unknown scenario "sideways"/],
  ])('refuses %j with one line and exit 2', async (extra, message) => {
    const r = await runArgv(
      'train',
      '--data',
      data,
      '--backbone',
      'vgg16-micro',
      '--weights',
      'random',
      '--input-size',
      '32',
      ...(extra as string[]),
    );
    expect(r.err).toMatch(message as RegExp);
    expect(r.code).toBe(2);
  });

  it('refuses partial on a backbone with one block', async () => {
    const r = await runArgv(
      'train',
      '--data',
      data,
      '--backbone',
      'vgg16-micro-b1',
      '--weights',
      'random',
      '--input-size',
      '32',
      '--scenario',
      'partial',
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/partial/);
  });
});

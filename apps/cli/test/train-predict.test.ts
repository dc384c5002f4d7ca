import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvaluate } from '../src/commands/evaluate.ts';
import { runExport } from '../src/commands/export.ts';
import { runExtract } from '../src/commands/extract.ts';
import { runPredict } from '../src/commands/predict.ts';
import { runTrain } from '../src/commands/train.ts';
import {
  captureContext,
  classImage,
  createWorkspace,
  microTrainFlags,
  writeFolderDataset,
} from './fixtures.ts';

describe('train → predict → evaluate → export on a folder dataset', () => {
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let data: string;
  let bundle: string;

  beforeAll(async () => {
    ws = await createWorkspace();
    data = join(ws.root, 'colours');
    await writeFolderDataset(data, 12);
    bundle = join(ws.root, 'bundle');
  });
  afterAll(() => ws.cleanup());

  it('trains a bundle that separates the classes and describes itself', async () => {
    const ctx = captureContext();
    const result = await runTrain(ctx, microTrainFlags(data, bundle));
    expect(result.valAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(ctx.out()).toMatch(/validation accuracy\s+\S*\d+\.\d\d %/);
    expect(ctx.out()).toContain(bundle);
    expect(ctx.out()).toContain('pnpm cli predict');
    expect(ctx.err()).toMatch(/epoch 8\/8 .*val_acc/);
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest.labels).toEqual(['blue', 'green', 'red']);
    expect(manifest.backbone.weights).toBe('random');
    expect(manifest.backbone.seed).toBe(7);
    expect(manifest.preprocess.inputSize).toBe(32);
    expect(manifest.data.trainCount + manifest.data.valCount).toBe(36);
    for (const f of ['head/model.json', 'head/weights.bin', 'metrics.json', 'history.json'])
      expect(existsSync(join(bundle, f))).toBe(true);
    // Nothing half-written beside the bundle.
    expect((await readdir(ws.root)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('takes features from the cache on a second run, with the same result', async () => {
    const first = JSON.parse(await readFile(join(bundle, 'history.json'), 'utf8'));
    const ctx = captureContext();
    const again = join(ws.root, 'bundle-again');
    await runTrain(ctx, microTrainFlags(data, again));
    expect(ctx.err()).toContain('36 from the cache');
    const second = JSON.parse(await readFile(join(again, 'history.json'), 'utf8'));
    expect(second.map((r: { loss: number }) => r.loss)).toEqual(first.map((r: { loss: number }) => r.loss));
  });

  it('holds out a test set on request and reports its accuracy', async () => {
    const ctx = captureContext();
    const out = join(ws.root, 'bundle-test-split');
    await runTrain(ctx, { ...microTrainFlags(data, out), testSplit: '0.25' });
    expect(ctx.out()).toMatch(/test accuracy\s+\d+\.\d\d %/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.training.testSplit).toBe(0.25);
    expect(manifest.data.testCount).toBe(9);
    expect(manifest.data.trainCount + manifest.data.valCount).toBe(27);
    const report = await runEvaluate(captureContext(), {
      model: out,
      data,
      split: 'test',
      device: 'cpu',
      cache: true,
      out: join(ws.root, 'eval-test'),
    });
    expect(report.total).toBe(9);
  });

  it('predicts the colour class of new images', async () => {
    const dir = join(ws.root, 'new');
    await writeFolderDataset(dir, 2);
    const ctx = captureContext();
    const predictions = await runPredict(ctx, [dir], {
      model: bundle,
      topK: '2',
      json: true,
      device: 'cpu',
      batchSize: '4',
    });
    expect(predictions).toHaveLength(6);
    for (const p of predictions) {
      expect(p.ok).toBe(true);
      if (p.ok) {
        expect(p.label).toBe(p.id.split('/').at(-2));
        expect(p.top).toHaveLength(2);
      }
    }
    const printed = JSON.parse(ctx.out());
    expect(printed.predictions).toHaveLength(6);
  });

  it('fails on a corrupt image with a line naming it, after classifying the rest', async () => {
    const dir = join(ws.root, 'mixed');
    await writeFolderDataset(dir, 1, ['red']);
    await writeFile(join(dir, 'red', 'broken.png'), (await classImage('red', 99)).subarray(0, 60));
    const ctx = captureContext();
    await expect(
      runPredict(ctx, [dir], { model: bundle, topK: '3', device: 'cpu', batchSize: '4' }),
    ).rejects.toThrow(/broken\.png/);
    expect(ctx.out()).toContain('red-0.png');
  });

  it('evaluates with per-class figures, a confusion matrix, report.json and an HTML page', async () => {
    const ctx = captureContext();
    const out = join(ws.root, 'eval');
    const report = await runEvaluate(ctx, {
      model: bundle,
      data,
      split: 'all',
      out,
      device: 'cpu',
      cache: true,
    });
    expect(report.total).toBe(36);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(36);
    expect(ctx.out()).toContain('actual \\ predicted');
    const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(json.report.accuracy).toBe(report.accuracy);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Confusion matrix');
  });

  it('exports a bundle that predicts the same without the cache', async () => {
    const out = join(ws.root, 'exported');
    await runExport(captureContext(), { model: bundle, out, format: 'bundle' });
    expect(existsSync(join(out, 'backbone.onnx'))).toBe(true);
    const dir = join(ws.root, 'new');
    const before = await runPredict(captureContext(), [dir], {
      model: bundle,
      topK: '3',
      json: true,
      device: 'cpu',
      batchSize: '8',
    });
    const home = process.env.HEADSTART_HOME;
    process.env.HEADSTART_HOME = join(ws.root, 'empty-home');
    try {
      const after = await runPredict(captureContext(), [dir], {
        model: out,
        topK: '3',
        json: true,
        device: 'cpu',
        batchSize: '8',
      });
      expect(after).toEqual(before);
    } finally {
      process.env.HEADSTART_HOME = home;
    }
  });

  it('extracts features to .npy with a labels file', async () => {
    const out = join(ws.root, 'features.npy');
    const ctx = captureContext();
    const result = await runExtract(ctx, {
      data,
      backbone: 'vgg16-micro',
      weights: 'random',
      backboneSeed: '7',
      device: 'cpu',
      inputSize: '32',
      pooling: 'avg',
      batchSize: '16',
      out,
      cache: true,
    });
    expect(result.kept).toHaveLength(36);
    const bytes = await readFile(out);
    const headerLength = bytes.readUInt16LE(8);
    expect(bytes.subarray(10, 10 + headerLength).toString()).toContain(`'shape': (36, ${result.dim})`);
    expect(bytes.length).toBe(10 + headerLength + 36 * result.dim * 4);
    const labels = JSON.parse(await readFile(join(ws.root, 'features.labels.json'), 'utf8'));
    expect(labels.rows).toHaveLength(36);
    expect(labels.pooling).toBe('avg');
  });
});

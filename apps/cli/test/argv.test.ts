import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program.ts';
import { runTrain } from '../src/commands/train.ts';
import { captureContext, runArgv, createWorkspace, microTrainFlags, writeFolderDataset } from './fixtures.ts';

const micro = ['--backbone', 'vgg16-micro', '--weights', 'random', '--input-size', '32'];

describe('the headstart command line', () => {
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let data: string;
  let bundle: string;

  beforeAll(async () => {
    ws = await createWorkspace();
    data = join(ws.root, 'colours');
    await writeFolderDataset(data, 6);
    bundle = join(ws.root, 'bundle');
    await runTrain(captureContext(), { ...microTrainFlags(data, bundle), epochs: '2' });
  });
  afterAll(() => ws.cleanup());

  it('prints help and exits 0', async () => {
    const r = await runArgv('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('train');
    expect(r.out).toContain('predict');
  });

  it.each([
    [['train', '--bogus'], 2, /unknown option '--bogus'/],
    [
      ['train', '--data', '$DATA', '--val-split', '1.5', ...micro],
      2,
      /Invalid --val-split "1.5"; use a fraction strictly between 0 and 1/,
    ],
    [['train', '--data', '$DATA', '--head', 'mlp:abc', ...micro], 2, /mlp:abc/],
    [
      ['train', '--data', '$DATA', '--pooling', 'sum', ...micro],
      2,
      /Unknown pooling "sum"; use flatten, avg or max\./,
    ],
    [['train', '--data', '$DATA', '--preset', 'huge'], 2, /Unknown preset "huge"; use quick or tutorial\./],
    [['train', '--data', '$DATA', '--epochs', '0', ...micro], 2, /Invalid --epochs "0"/],
    [['train', '--data', '$DATA', '--limit', '5', ...micro], 2, /Invalid --limit "5".*6/],
    [['train', '--data', '$DATA', '--device', 'tpu', ...micro], 2, /Unknown --device "tpu"/],
    [
      ['train', '--data', '$DATA', '--input-size', '16', '--backbone', 'vgg16-micro', '--weights', 'random'],
      2,
      /Invalid --input-size "16"/,
    ],
    [['train', '--data', '$DATA/nope'], 3, /not found: no such file or folder/],
    [['predict', '--model', '$DATA/nope', '$DATA'], 3, /does not exist|not found|No such/],
    [['train', '--data', '$DATA', '--backbone', 'vgg99'], 4, /Unknown backbone "vgg99"/],
    [
      ['train', '--data', '$DATA', '--weights', 'imagenet', '--backbone', 'vgg16'],
      4,
      /ImageNet weights for vgg16 are not available/,
    ],
    [
      ['extract', '--data', '$DATA', '--device', 'cuda', ...micro],
      5,
      /CUDA execution provider is not installed/,
    ],
  ])('%j exits %i with one clear line', async (argv, code, message) => {
    const r = await runArgv(...(argv as string[]).map((a) => a.replace('$DATA', data)));
    expect(r.err).toMatch(message as RegExp);
    expect(r.code).toBe(code);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('trains on a stratified subset with --limit, and says so', async () => {
    const r = await runArgv('train', '--data', data, '--limit', '9', '--epochs', '1', ...micro);
    expect(r.code).toBe(0);
    // The run's notes go to stderr, the results to stdout.
    expect(r.err).toMatch(/stratified subset of 9 of 18, seed 42\): 9 images, 3 classes/);
    expect(r.err).toMatch(/6 train, 3 validation/);
    expect(r.out).toMatch(/validation accuracy .* \(3 images\)/);
  });

  it('refuses a single class', async () => {
    const one = join(ws.root, 'one');
    await writeFolderDataset(one, 3, ['red']);
    const r = await runArgv('train', '--data', one, ...micro);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/1 class.*at least 2/);
  });

  it('refuses a class with too few images for the split', async () => {
    const few = join(ws.root, 'few');
    await writeFolderDataset(few, 4, ['red', 'green']);
    await mkdir(join(few, 'blue'));
    await writeFile(join(few, 'blue', 'only.png'), await readFile(join(few, 'red', 'red-0.png')));
    const r = await runArgv('train', '--data', few, ...micro);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/blue/);
  });

  it('refuses a bundle from a newer schema', async () => {
    const copy = join(ws.root, 'future');
    await runCli(['export', '--model', bundle, '--out', copy], {
      stdout: captureContext().stdout,
      stderr: captureContext().stderr,
    });
    const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
    await writeFile(join(copy, 'manifest.json'), JSON.stringify({ ...manifest, schemaVersion: 99 }));
    const r = await runArgv('predict', '--model', copy, join(data, 'red'));
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/schema 99 is newer than this Headstart supports \(1\)/);
  });

  it('refuses a bundle whose backbone does not match its hash', async () => {
    const copy = join(ws.root, 'tampered');
    await runCli(['export', '--model', bundle, '--out', copy], {
      stdout: captureContext().stdout,
      stderr: captureContext().stderr,
    });
    const graph = await readFile(join(copy, 'backbone.onnx'));
    graph[graph.length - 1] = (graph[graph.length - 1]! + 1) % 256;
    await writeFile(join(copy, 'backbone.onnx'), graph);
    const r = await runArgv('predict', '--model', copy, join(data, 'red'));
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/sha256/);
  });

  it('shows the stack only with --verbose', async () => {
    const r = await runArgv('train', '--data', join(data, 'nope'), '--verbose');
    expect(r.err).toMatch(/\n\s+at /);
  });

  it('builds, lists and describes backbones', async () => {
    const built = await runArgv('models', 'build', 'vgg11-micro', '--seed', '3');
    expect(built.code).toBe(0);
    expect(built.out).toContain('vgg11-micro-random-s3');
    const list = await runArgv('models', 'list', '--json');
    const ids = JSON.parse(list.out).map((b: { id: string }) => b.id);
    expect(ids).toContain('vgg11-micro-random-s3');
    const info = await runArgv('models', 'info', 'vgg11-micro-random-s3');
    expect(info.out).toMatch(/sha256/);
    const full = await runArgv('models', 'build', 'vgg16');
    expect(full.out).toContain('14,714,688');
  });

  it('reports and clears the feature cache', async () => {
    const info = await runArgv('cache', 'info', '--json');
    const stats = JSON.parse(info.out);
    expect(
      stats.contexts.reduce((n: number, c: { entries: number }) => n + c.entries, 0),
    ).toBeGreaterThanOrEqual(18);
    expect((await runArgv('cache', 'clear')).code).toBe(0);
    expect(JSON.parse((await runArgv('cache', 'info', '--json')).out).contexts).toEqual([]);
  });
});

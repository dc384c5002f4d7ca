import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { exportMergedModel } from '@headstart/core/node';
import { cliPredict, runCli, type CliPrediction } from './support/cli.ts';
import { writeColourDataset, writeDigitDataset } from './support/datasets.ts';
import { WEB_ROOT } from './support/paths.ts';

/**
 * What the suites share: a digit bundle trained, exported (as a bundle and as a merged graph) and run
 * through the CLI, and image folders.
 */
export interface E2eFixtures {
  root: string;
  home: string;
  digitBundle: string;
  digitExported: string;
  digitZip: string;
  /** The same bundle as one merged ONNX graph (`export --format onnx`), as a folder and as a zip. */
  digitMerged: string;
  digitMergedZip: string;
  digitImages: string[];
  cliDigitPredictions: CliPrediction[];
  colours: Record<string, string[]>;
  colourTest: Record<string, string[]>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    fixtures: E2eFixtures;
  }
}

async function zipFolder(dir: string, folder: string): Promise<Uint8Array> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, Uint8Array> = {};
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files[`${folder}/${relative(dir, full).split('\\').join('/')}`] = new Uint8Array(await readFile(full));
  }
  return zipSync(files);
}

let root: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  root = await mkdtemp(join(tmpdir(), 'headstart-web-e2e-'));
  const home = join(root, 'home');
  const digits = await writeDigitDataset(join(root, 'digits'), ['0', '1', '2', '3'], 10, 2);
  const digitBundle = join(root, 'digit-bundle');
  const digitExported = join(root, 'digit-exported');
  await runCli(
    [
      'train',
      '--data',
      digits.train,
      '--backbone',
      'vgg16-micro',
      '--weights',
      'random',
      '--input-size',
      '32',
      '--epochs',
      '3',
      '--batch-size',
      '8',
      '--head',
      'mlp:32',
      '--out',
      digitBundle,
    ],
    home,
  );
  await runCli(['export', '--model', digitBundle, '--out', digitExported], home);
  const digitZip = join(root, 'digit-exported.zip');
  await writeFile(digitZip, await zipFolder(digitExported, 'digit-exported'));
  const digitMerged = join(root, 'digit-merged');
  await exportMergedModel({ dir: digitBundle, out: digitMerged, home });
  const digitMergedZip = join(root, 'digit-merged.zip');
  await writeFile(digitMergedZip, await zipFolder(digitMerged, 'digit-merged'));
  const cliDigitPredictions = await cliPredict({ model: digitExported, images: digits.test, topK: 4, home });
  const colours = await writeColourDataset(join(root, 'colours'), ['red', 'blue'], 8);
  const colourTest = await writeColourDataset(join(root, 'colour-test'), ['red', 'blue'], 2, 101);
  project.provide('fixtures', {
    root,
    home,
    digitBundle,
    digitExported,
    digitZip,
    digitMerged,
    digitMergedZip,
    digitImages: digits.test,
    cliDigitPredictions,
    colours,
    colourTest,
  });
}

export async function teardown(): Promise<void> {
  if (root) await rm(root, { recursive: true, force: true });
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import type { CliContext } from '../src/context.ts';
import { runCli } from '../src/program.ts';

/** A colour per class: separable at any backbone, so tiny models reach full accuracy. */
export const CLASS_COLOURS = { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] } as const;

/** A noisy square image of one class's colour. */
export async function classImage(
  label: keyof typeof CLASS_COLOURS,
  seed: number,
  size = 40,
): Promise<Buffer> {
  const [r, g, b] = CLASS_COLOURS[label];
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

/** Writes a folder-per-class dataset of `perClass` images for each of `labels`. */
export async function writeFolderDataset(
  dir: string,
  perClass: number,
  labels = Object.keys(CLASS_COLOURS) as (keyof typeof CLASS_COLOURS)[],
) {
  for (const label of labels) {
    await mkdir(join(dir, label), { recursive: true });
    for (let i = 0; i < perClass; i++)
      await writeFile(join(dir, label, `${label}-${i}.png`), await classImage(label, i + 1));
  }
}

/** A temp workspace with its own Headstart cache; `cleanup` removes it. */
export async function createWorkspace(): Promise<{
  root: string;
  home: string;
  cleanup: () => Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'headstart-cli-'));
  const home = join(root, 'home');
  process.env.HEADSTART_HOME = home;
  process.env.HEADSTART_OFFLINE = '1';
  return { root, home, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Output without terminal colour codes, which depend on where the tests run. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** A CliContext that records what a command prints (colour codes removed). */
export function captureContext(
  options: { signal?: AbortSignal } = {},
): CliContext & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: process.env,
    signal: options.signal ?? new AbortController().signal,
    verbose: false,
    out: () => stripAnsi(out),
    err: () => stripAnsi(err),
  };
}

/** The flags a test train run uses: a micro VGG with random weights at 32×32, a few epochs. */
export function microTrainFlags(data: string, out: string) {
  return {
    data,
    preset: 'quick',
    backbone: 'vgg16-micro',
    weights: 'random',
    backboneSeed: '7',
    device: 'cpu',
    inputSize: '32',
    epochs: '8',
    batchSize: '8',
    head: 'mlp:32',
    extractBatchSize: '16',
    tfjsBackend: 'auto',
    scenario: 'head',
    cache: true,
    out,
  };
}

/** Runs the CLI on argv, as a user would, and returns its exit status and output (colour codes removed). */
export async function runArgv(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const ctx = captureContext();
  const code = await runCli(argv, { stdout: ctx.stdout, stderr: ctx.stderr, env: process.env });
  return { code, out: ctx.out(), err: ctx.err() };
}

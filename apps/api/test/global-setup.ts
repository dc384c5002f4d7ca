import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { makeSyntheticBundle } from './synthetic-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A vgg16-micro bundle at 32×32 trained on synthetic colours, built once for the whole run. */
    bundle: { dir: string; home: string; id: string; labels: string[]; root: string };
  }
}

let root: string | undefined;

/** Builds the shared test bundle once, before any test file runs. */
export async function setup(project: TestProject): Promise<void> {
  process.env.HEADSTART_OFFLINE = '1';
  root = await mkdtemp(join(tmpdir(), 'headstart-api-'));
  const home = join(root, 'home');
  const built = await makeSyntheticBundle({ dir: join(root, 'bundle'), home });
  project.provide('bundle', { ...built, home, root });
}

export async function teardown(): Promise<void> {
  if (root) await rm(root, { recursive: true, force: true });
}

import { spawn } from 'node:child_process';
import { REPO_ROOT } from './paths.ts';

/** Runs the headstart CLI from the repository root with its own home and no network; resolves to stdout. */
export function runCli(args: string[], home: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/bin.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, HEADSTART_HOME: home, HEADSTART_OFFLINE: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`headstart ${args.join(' ')} exited ${code}:\n${err}\n${out}`)),
    );
  });
}

/** One image's answer in `headstart predict --json`. */
export interface CliPrediction {
  id: string;
  ok: boolean;
  label?: string;
  probability?: number;
  top?: { label: string; index: number; probability: number }[];
}

/** `headstart predict --json` on images, all labels listed. */
export async function cliPredict(options: {
  model: string;
  images: string[];
  topK: number;
  home: string;
}): Promise<CliPrediction[]> {
  const out = await runCli(
    ['predict', '--json', '--top-k', String(options.topK), '--model', options.model, ...options.images],
    options.home,
  );
  const json = out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1);
  return (JSON.parse(json) as { predictions: CliPrediction[] }).predictions;
}

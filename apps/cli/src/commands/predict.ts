import type { Command } from 'commander';
import Table from 'cli-table3';
import pc from 'picocolors';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { HeadstartError, predictImages, type ImageInput, type ImagePrediction } from '@headstart/core';
import { listImagePaths, openBundleModel } from '@headstart/core/node';
import { note, type CliContext } from '../context.ts';
import { parseChoice, parseInteger } from '../ui/parse-options.ts';

export interface PredictFlags {
  model: string;
  topK: string;
  json?: boolean;
  device: string;
  batchSize: string;
}

/** `headstart predict`: classify images with a bundle. Resolves to the predictions, in input order. */
export async function runPredict(
  ctx: CliContext,
  paths: string[],
  flags: PredictFlags,
): Promise<ImagePrediction[]> {
  const topK = parseInteger('--top-k', flags.topK, { min: 1, max: 1000 });
  const device = parseChoice('--device', flags.device, ['cpu', 'cuda', 'webgpu'] as const);
  const files = await listImagePaths({ paths });
  if (files.length === 0)
    throw new HeadstartError('PATH_NOT_FOUND', `No images found in ${paths.join(', ')}.`);
  const model = await openBundleModel({ dir: flags.model, device });
  try {
    const inputs: ImageInput[] = await Promise.all(
      files.map(async (file) => ({
        id: file,
        content: { kind: 'encoded' as const, bytes: new Uint8Array(await readFile(file)) },
      })),
    );
    const predictions = await predictImages({
      model,
      inputs,
      topK,
      batchSize: parseInteger('--batch-size', flags.batchSize, { min: 1 }),
    });
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify({ model: model.manifest.id, predictions }, null, 2)}\n`);
    } else {
      const table = new Table({ head: ['file', 'label', 'probability', `top ${topK}`] });
      for (const p of predictions) {
        const rel = relative(process.cwd(), p.id);
        const name = rel && !rel.startsWith('..') ? rel : p.id;
        if (p.ok)
          table.push([
            name,
            pc.bold(p.label),
            p.probability.toFixed(4),
            p.top.map((t) => `${t.label} ${t.probability.toFixed(3)}`).join(', '),
          ]);
        else table.push([name, pc.red('error'), '', p.error.message]);
      }
      ctx.stdout.write(`${table.toString()}\n`);
    }
    const failed = predictions.filter((p) => !p.ok);
    if (failed.length > 0) {
      for (const f of failed) if (!f.ok && flags.json) note(ctx, `${pc.red('error')} ${f.error.message}`);
      throw new HeadstartError(
        failed[0]!.ok ? 'INTERNAL' : failed[0]!.error.code,
        `${failed.length} of ${predictions.length} images could not be classified${failed.length === 1 && !failed[0]!.ok ? `: ${failed[0]!.error.message.replace(/\.+$/, '')}` : ''}.`,
      );
    }
    return predictions;
  } finally {
    await model.dispose();
  }
}

/** Registers `headstart predict`. */
export function registerPredictCommand(program: Command, ctx: CliContext): void {
  program
    .command('predict')
    .description('classify images (files or folders) with a model bundle')
    .argument('<paths...>', 'image files or folders')
    .requiredOption('--model <bundle>', 'bundle directory written by train or export')
    .option('--top-k <k>', 'how many labels to list per image', '3')
    .option('--json', 'print JSON for scripts')
    .option('--device <device>', 'cpu, cuda or webgpu', 'cpu')
    .option('--batch-size <n>', 'images per backbone run', '32')
    .action(async (paths: string[], flags: PredictFlags) => {
      await runPredict(ctx, paths, flags);
    });
}

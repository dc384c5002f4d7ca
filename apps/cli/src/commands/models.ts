import type { Command } from 'commander';
import Table from 'cli-table3';
import { HeadstartError, parseNormalizationMode } from '@headstart/core';
import type { BackboneInfo } from '@headstart/core/node';
import {
  buildBackbone,
  getBackboneInfo,
  importBackbone,
  listBackbones,
  modelsRoot,
  pullBackbone,
} from '@headstart/core/node';
import { note, type CliContext } from '../context.ts';
import { formatBytes } from '../ui/format.ts';
import { createPullProgress } from '../ui/pull-progress.ts';
import { parseInteger } from '../ui/parse-options.ts';

function printInfo(ctx: CliContext, info: BackboneInfo): void {
  const s = info.spec;
  const rows: [string, string][] = [
    ['id', info.id],
    ['architecture', s.arch],
    ['weights', info.weights === 'random' ? `random (He-normal, seed ${info.seed})` : 'imagenet'],
    ['normalization', s.normalization],
    ['input', `${s.inputName} ${s.layout.toUpperCase()} [N,3,H,W], H and W ≥ ${s.minInputSize}`],
    ['output', `${s.outputName}: ${s.outputChannels} channels at 1/${s.downsample} of the input`],
    ['blocks', s.blocks.map((b) => `${b.name} (${b.convs.length}×conv ${b.channels})`).join(', ')],
    ['parameters', s.parameterCount.toLocaleString('en-US')],
    ['size', formatBytes(info.sizeBytes)],
    ['sha256', info.sha256],
    ['file', info.onnxPath],
  ];
  const table = new Table();
  for (const row of rows) table.push(row);
  ctx.stdout.write(`${table.toString()}\n`);
}

/** `headstart models list | build | pull | import | info`: the backbones in the user cache. */
export function registerModelsCommands(program: Command, ctx: CliContext): void {
  const models = program.command('models').description('list, build, download or import VGG backbones');
  models
    .command('list')
    .description('backbones in the cache, with sizes and hashes')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await listBackbones();
      if (opts.json) {
        ctx.stdout.write(
          `${JSON.stringify(
            list.map(({ spec: _spec, ...rest }) => rest),
            null,
            2,
          )}\n`,
        );
        return;
      }
      if (list.length === 0) {
        ctx.stdout.write(
          `No backbones in ${modelsRoot()} yet; \`headstart models build vgg16\` or \`headstart models pull vgg16\`.\n`,
        );
        return;
      }
      const table = new Table({ head: ['id', 'arch', 'weights', 'params', 'size', 'sha256'] });
      for (const b of list) {
        table.push([
          b.id,
          b.arch,
          b.weights === 'random' ? `random s${b.seed}` : b.weights,
          b.parameterCount.toLocaleString('en-US'),
          formatBytes(b.sizeBytes),
          `${b.sha256.slice(0, 12)}…`,
        ]);
      }
      ctx.stdout.write(`${modelsRoot()}\n${table.toString()}\n`);
    });
  models
    .command('build')
    .description('build a VGG conv base with seeded He-normal weights')
    .argument('<arch>', 'vgg11, vgg13, vgg16, vgg19 (or a -micro variant)')
    .option('--weights <kind>', 'only "random" can be built; use `models pull` for ImageNet', 'random')
    .option('--seed <n>', 'seed of the weights', '42')
    .action(async (arch: string, opts: { weights: string; seed: string }) => {
      if (opts.weights !== 'random') {
        throw new HeadstartError(
          'INVALID_OPTION',
          `models build makes random weights only (got --weights ${opts.weights}); run \`headstart models pull ${arch}\` for ImageNet weights.`,
        );
      }
      const built = await buildBackbone({ arch, seed: parseInteger('--seed', opts.seed) });
      note(ctx, `Built ${built.spec.id}: ${built.spec.parameterCount.toLocaleString('en-US')} parameters`);
      printInfo(ctx, await getBackboneInfo({ id: built.spec.id }));
    });
  models
    .command('pull')
    .description("download Keras' ImageNet notop weights, verify the pinned checksum, convert and cache")
    .argument('<id>', 'vgg16 or vgg19')
    .action(async (id: string) => {
      const info = await pullBackbone({ id, onProgress: createPullProgress(ctx) });
      printInfo(ctx, info);
    });
  models
    .command('import')
    .description('convert a local Keras .h5 (notop) or a VGG .onnx into a cached backbone')
    .argument('<file>', 'a .h5 or .onnx file')
    .option('--preprocess <mode>', 'normalisation of an .onnx graph: caffe or torch')
    .option('--id <id>', 'store under this id')
    .option('--weights <kind>', 'imagenet (default) or random, as recorded in the spec')
    .action(async (file: string, opts: { preprocess?: string; id?: string; weights?: string }) => {
      const info = await importBackbone({
        file,
        ...(opts.preprocess ? { normalization: parseNormalizationMode(opts.preprocess) } : {}),
        ...(opts.id ? { id: opts.id } : {}),
        ...(opts.weights === 'random' || opts.weights === 'imagenet' ? { weights: opts.weights } : {}),
      });
      printInfo(ctx, info);
    });
  models
    .command('info')
    .description('spec, size and hash of a cached backbone')
    .argument('<id>')
    .action(async (id: string) => printInfo(ctx, await getBackboneInfo({ id })));
}

import { Command } from 'commander';
import pc from 'picocolors';
import type { CliContext } from './context.ts';
import { reportError } from './report-error.ts';
import { registerAdviseCommand } from './commands/advise.ts';
import { registerCacheCommands } from './commands/cache.ts';
import { registerEvaluateCommand } from './commands/evaluate.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerExtractCommand } from './commands/extract.ts';
import { registerModelsCommands } from './commands/models.ts';
import { registerPredictCommand } from './commands/predict.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTrainCommand } from './commands/train.ts';

/** Builds the `headstart` command tree; actions close over `ctx`. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('headstart')
    .description(
      'Image transfer learning: frozen VGG16 features in ONNX Runtime, a classifier head in TensorFlow.js.',
    )
    .option('--verbose', 'show stack traces and debug detail')
    .showHelpAfterError(pc.dim('(run with --help for usage)'))
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .exitOverride();
  registerModelsCommands(program, ctx);
  registerExtractCommand(program, ctx);
  registerCacheCommands(program, ctx);
  registerTrainCommand(program, ctx);
  registerPredictCommand(program, ctx);
  registerEvaluateCommand(program, ctx);
  registerExportCommand(program, ctx);
  registerAdviseCommand(program, ctx);
  registerServeCommand(program, ctx);
  return program;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves to the exit status. The first
 * Ctrl-C asks the running command to stop after its current batch; a second one quits at once.
 */
export async function runCli(
  argv: string[],
  io: Partial<Omit<CliContext, 'signal' | 'verbose'>> = {},
): Promise<number> {
  const controller = new AbortController();
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    signal: controller.signal,
    verbose: argv.includes('--verbose'),
  };
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    ctx.stderr.write(`\n${pc.yellow('Stopping after the current batch…')} (Ctrl-C again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    await createProgram(ctx).parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error, { verbose: ctx.verbose, stderr: ctx.stderr });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

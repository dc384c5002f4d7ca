import { isHeadstartError } from '@headstart/core';
import { apiUsage, parseApiArgs } from './cli-args.ts';
import { resolveApiConfig } from './config.ts';
import { startServer } from './server.ts';

const log = (line: string) => process.stderr.write(`[headstart-api] ${line}\n`);

try {
  const { values, help } = parseApiArgs(process.argv.slice(2));
  if (help) {
    process.stdout.write(`${apiUsage()}\n`);
  } else {
    const config = resolveApiConfig({ values, env: process.env });
    await startServer({ config, log, handleSignals: true });
  }
} catch (error) {
  log(`error ${isHeadstartError(error) ? error.message : ((error as Error).stack ?? String(error))}`);
  process.exitCode = isHeadstartError(error, 'INVALID_OPTION') ? 2 : 1;
}

import { runCli } from './program.ts';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;

/** What every command gets from the entry point: streams, environment and the user's Ctrl-C. */
export interface CliContext {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on the first Ctrl-C; commands stop after the current batch and keep what is complete. */
  signal: AbortSignal;
  verbose: boolean;
}

/** Writes a line to stderr: where progress, warnings and notes go, so stdout stays for results. */
export function note(ctx: CliContext, line: string): void {
  ctx.stderr.write(`${line}\n`);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A `pnpm api` process started for a benchmark. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr. */
  log(): string;
  /** SIGTERM, then the exit status. */
  stop(): Promise<number | null>;
}

const API_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts the API in its own process on 127.0.0.1 (any free port) and resolves once it reports ready. */
export async function spawnServer(options: {
  model: string;
  home: string;
  args?: string[];
}): Promise<ServerProcess> {
  const args = [
    '--import',
    'tsx',
    'src/bin.ts',
    '--model',
    options.model,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: API_ROOT,
    env: { ...process.env, HEADSTART_HOME: options.home, HEADSTART_OFFLINE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      if (/ready:/.test(stderr)) {
        clearInterval(timer);
        resolve(/listening on (http:\/\/\S+);/.exec(stderr)?.[1] ?? '');
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`The server exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer, preview } from 'vite';
import { preloadBundle } from './preload-bundle.ts';

const WEB_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    preview: { type: 'boolean', default: false },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  allowPositionals: false,
});

// pnpm runs package scripts in the package folder; a relative --model means the folder it was typed in.
const cwd = process.env.INIT_CWD ?? process.cwd();
const plugins = values.model ? [preloadBundle({ dir: resolve(cwd, values.model) })] : [];
const common = {
  root: WEB_ROOT,
  configFile: resolve(WEB_ROOT, 'vite.config.ts'),
  plugins,
};
const port = values.port ? Number(values.port) : undefined;
const server = values.preview
  ? await preview({ ...common, preview: { host: values.host, ...(port ? { port } : {}) } })
  : await (
      await createServer({ ...common, server: { host: values.host, ...(port ? { port } : {}) } })
    ).listen();
server.printUrls();
if (values.model) console.log(`  preloaded bundle: ${resolve(cwd, values.model)}`);

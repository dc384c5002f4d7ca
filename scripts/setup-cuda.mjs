// Fetches onnxruntime-node's CUDA 12 execution provider (from NuGet, where its publishers host it),
// which the install leaves out because the npm registry cannot carry it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(join(process.cwd(), 'packages/core/package.json'));
const root = dirname(require.resolve('onnxruntime-node/package.json'));
const result = spawnSync(
  process.execPath,
  [join(root, 'script', 'install.js'), '--onnxruntime-node-install=cuda12'],
  {
    stdio: 'inherit',
  },
);
if (result.status === 0) console.log('CUDA execution provider installed; use --device cuda.');
process.exit(result.status ?? 1);

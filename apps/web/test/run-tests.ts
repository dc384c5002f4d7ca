import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm --filter @headstart/web test`: the unit tests, then the end-to-end suite in headless Chromium when
 * Debian's chromium is installed (it is the only browser the suite uses; none is downloaded).
 */
const CHROMIUM = '/usr/bin/chromium';
const cwd = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

function vitest(args: string[]): number {
  const result = spawnSync(process.execPath, [VITEST, 'run', ...args], { cwd, stdio: 'inherit' });
  return result.status ?? 1;
}

const unit = vitest([]);
if (unit !== 0) process.exit(unit);
if (!existsSync(CHROMIUM)) {
  console.log(
    `Skipping the end-to-end suite: ${CHROMIUM} is missing (install Debian's chromium package to run it).`,
  );
  process.exit(0);
}
process.exit(vitest(['--config', 'vitest.e2e.config.ts']));

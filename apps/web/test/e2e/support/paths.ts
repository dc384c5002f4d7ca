import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** apps/web, the repository root, and where screenshots go. */
export const WEB_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const REPO_ROOT = resolve(WEB_ROOT, '../..');
export const RESULTS_DIR = resolve(WEB_ROOT, 'test-results');
/** One screenshot per screen is copied here too, for a look without digging through test output. */
export const SHARED_SCREENS_DIR = '/tmp/headstart-screens';
export const CHROMIUM = '/usr/bin/chromium';

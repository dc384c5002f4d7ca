import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Root of Headstart's user cache: `HEADSTART_HOME`, else `$XDG_CACHE_HOME/headstart`, else
 * `~/.cache/headstart`. Backbones live under `models/`, features under `features/`, bundles under `runs/`.
 */
export function headstartHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEADSTART_HOME) return env.HEADSTART_HOME;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'headstart');
  return join(homedir(), '.cache', 'headstart');
}

/** Where the feature cache keeps its entries. */
export function featureCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(headstartHome(env), 'features');
}

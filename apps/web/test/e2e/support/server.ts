import { join } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { preloadBundle } from '../../../src/server/preload-bundle.ts';
import { WEB_ROOT } from './paths.ts';

/** The built page (dist/) on a free loopback port, optionally preloading a bundle, as `pnpm web --preview` serves it. */
export async function serveBuiltPage(
  options: { model?: string; home?: string } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: PreviewServer = await preview({
    root: WEB_ROOT,
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    plugins: options.model
      ? [preloadBundle({ dir: options.model, ...(options.home ? { home: options.home } : {}) })]
      : [],
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('The preview server did not report its URL.');
  return { url, close: () => new Promise((resolve) => server.httpServer.close(() => resolve())) };
}

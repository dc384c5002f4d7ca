import type { BundleReader } from '../bundle/bundle-files.ts';
import { HeadstartError } from '../errors.ts';

/** Progress of one file's download. `total` is undefined when the server sends no length. */
export interface DownloadProgress {
  path: string;
  loaded: number;
  total?: number;
}

export interface HttpBundleReaderOptions {
  /** URL of the bundle folder, ending in `/`, e.g. `/preloaded/`. */
  baseUrl: string;
  fetchImpl?: typeof fetch;
  onProgress?: (progress: DownloadProgress) => void;
}

async function readBody(
  response: Response,
  path: string,
  onProgress?: (p: DownloadProgress) => void,
): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  if (!response.body || !onProgress) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ path, loaded, ...(total !== undefined ? { total } : {}) });
  }
  const out = new Uint8Array(loaded);
  chunks.reduce((offset, chunk) => (out.set(chunk, offset), offset + chunk.byteLength), 0);
  return out;
}

/**
 * A BundleReader over HTTP: `read(path)` fetches `baseUrl + path`. 404 reads as PATH_NOT_FOUND (so optional
 * files stay optional); other failures are DOWNLOAD_FAILED naming the URL. Large files report progress.
 */
export function createHttpBundleReader(options: HttpBundleReaderOptions): BundleReader {
  const fetchImpl = options.fetchImpl ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  return {
    async read(path) {
      const url = `${base}${path.split('/').map(encodeURIComponent).join('/')}`;
      let response: Response;
      try {
        response = await fetchImpl(url);
      } catch (error) {
        throw new HeadstartError('DOWNLOAD_FAILED', `Fetching ${url} failed: ${(error as Error).message}.`, {
          cause: error,
        });
      }
      if (response.status === 404)
        throw new HeadstartError('PATH_NOT_FOUND', `The bundle at ${base} has no file "${path}".`);
      if (!response.ok)
        throw new HeadstartError('DOWNLOAD_FAILED', `Fetching ${url} failed: HTTP ${response.status}.`);
      return readBody(response, path, options.onProgress);
    },
  };
}

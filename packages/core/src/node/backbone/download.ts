import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HeadstartError, isHeadstartError } from '../../errors.ts';

/** A checksum a download must match. */
export interface ExpectedHash {
  algorithm: 'md5' | 'sha256';
  /** Lower-case hex digest. */
  hex: string;
}

/** Progress of a download; `totalBytes` is known when the server sends Content-Length. */
export interface DownloadProgress {
  receivedBytes: number;
  totalBytes?: number;
}

/** The part of `fetch` downloads use, so tests and proxies can hand in their own. */
export type FetchImpl = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface DownloadFileOptions {
  url: string;
  dest: string;
  expectedHash: ExpectedHash;
  onProgress?: (progress: DownloadProgress) => void;
  fetchImpl?: FetchImpl;
  /** Fails with DOWNLOAD_FAILED when the response headers take longer than this (default 30 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

async function startRequest(options: DownloadFileOptions): Promise<Response> {
  const { url } = options;
  const fetchImpl = options.fetchImpl ?? ((u, init) => fetch(u, init));
  const timeoutMs = options.connectTimeoutMs ?? 30_000;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { signal: controller.signal });
    if (!response.ok || !response.body) {
      throw new HeadstartError(
        'DOWNLOAD_FAILED',
        `Download of ${url} failed: HTTP ${response.status} ${response.statusText}`.trim() + '.',
      );
    }
    return response;
  } catch (cause) {
    if (isHeadstartError(cause)) throw cause;
    const reason = options.signal?.aborted
      ? 'aborted'
      : controller.signal.aborted
        ? `no response within ${timeoutMs} ms`
        : String(cause);
    throw new HeadstartError('DOWNLOAD_FAILED', `Download of ${url} failed: ${reason}.`, { cause });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Streams `url` to `dest`, verifying its checksum. Data goes to `dest.partial-<random>` first and is
 * renamed into place only once complete and verified, so `dest` never holds a partial or corrupt file;
 * on any failure the partial file is deleted. Throws DOWNLOAD_FAILED (HTTP error, timeout, interrupted
 * stream) or CHECKSUM_MISMATCH.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<{ path: string; bytes: number }> {
  const { url, dest, expectedHash } = options;
  const response = await startRequest(options);
  const length = Number(response.headers.get('content-length'));
  const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
  await mkdir(dirname(dest), { recursive: true });
  const partial = `${dest}.partial-${randomBytes(6).toString('hex')}`;
  const hash = createHash(expectedHash.algorithm);
  const file = await open(partial, 'w');
  let receivedBytes = 0;
  try {
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        hash.update(value);
        await file.write(value);
        receivedBytes += value.byteLength;
        options.onProgress?.({ receivedBytes, ...(totalBytes === undefined ? {} : { totalBytes }) });
      }
    } catch (cause) {
      throw new HeadstartError(
        'DOWNLOAD_FAILED',
        `Download of ${url} was interrupted after ${receivedBytes} bytes: ${String(cause)}.`,
        { cause },
      );
    } finally {
      await file.close();
    }
    const actual = hash.digest('hex');
    if (actual !== expectedHash.hex.toLowerCase()) {
      throw new HeadstartError(
        'CHECKSUM_MISMATCH',
        `Downloaded ${url} (${receivedBytes} bytes) has ${expectedHash.algorithm} ${actual}, expected ${expectedHash.hex}; the file was discarded.`,
      );
    }
    await rename(partial, dest);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { path: dest, bytes: receivedBytes };
}

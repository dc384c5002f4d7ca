import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHeadstartError } from '../../errors.ts';
import { downloadFile, type FetchImpl } from './download.ts';

const dir = mkdtempSync(join(tmpdir(), 'headstart-download-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const payload = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256);
const md5 = createHash('md5').update(payload).digest('hex');
const sha256 = createHash('sha256').update(payload).digest('hex');

/** A fetch answering with `payload` in 10 kB chunks, optionally failing after `failAfter` chunks. */
function fakeFetch(options: { failAfter?: number; status?: number } = {}): FetchImpl & { urls: string[] } {
  const urls: string[] = [];
  const impl = async (url: string) => {
    urls.push(url);
    let chunk = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (options.failAfter !== undefined && chunk === options.failAfter) {
          controller.error(new Error('connection reset'));
          return;
        }
        const start = chunk * 10_000;
        if (start >= payload.length) controller.close();
        else controller.enqueue(payload.slice(start, start + 10_000));
        chunk++;
      },
    });
    return new Response(body, {
      status: options.status ?? 200,
      headers: { 'content-length': String(payload.length) },
    });
  };
  return Object.assign(impl, { urls });
}

const leftovers = (name: string) => readdirSync(dir).filter((f) => f.startsWith(name));

describe('downloadFile', () => {
  it('streams to the destination, verifying the checksum and reporting progress', async () => {
    const dest = join(dir, 'ok', 'weights.h5');
    const progress: number[] = [];
    const fetchImpl = fakeFetch();
    const result = await downloadFile({
      url: 'https://example.test/weights.h5',
      dest,
      expectedHash: { algorithm: 'md5', hex: md5 },
      fetchImpl,
      onProgress: (p) => {
        expect(p.totalBytes).toBe(payload.length);
        progress.push(p.receivedBytes);
      },
    });
    expect(result).toEqual({ path: dest, bytes: payload.length });
    expect(fetchImpl.urls).toEqual(['https://example.test/weights.h5']);
    expect(new Uint8Array(readFileSync(dest))).toEqual(payload);
    expect(progress).toHaveLength(10);
    expect(progress.at(-1)).toBe(payload.length);
    expect(readdirSync(join(dir, 'ok'))).toEqual(['weights.h5']);

    const again = join(dir, 'ok', 'again.h5');
    await downloadFile({
      url: 'u',
      dest: again,
      expectedHash: { algorithm: 'sha256', hex: sha256 },
      fetchImpl: fakeFetch(),
    });
    expect(existsSync(again)).toBe(true);
  });

  it('leaves no file when the checksum does not match', async () => {
    const dest = join(dir, 'bad.h5');
    const wrong = '0'.repeat(32);
    try {
      await downloadFile({
        url: 'https://example.test/bad.h5',
        dest,
        expectedHash: { algorithm: 'md5', hex: wrong },
        fetchImpl: fakeFetch(),
      });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'CHECKSUM_MISMATCH')).toBe(true);
      expect((error as Error).message).toBe(
        `Downloaded https://example.test/bad.h5 (100000 bytes) has md5 ${md5}, expected ${wrong}; the file was discarded.`,
      );
    }
    expect(leftovers('bad.h5')).toEqual([]);
  });

  it('leaves no file when the stream is interrupted', async () => {
    const dest = join(dir, 'cut.h5');
    try {
      await downloadFile({
        url: 'https://example.test/cut.h5',
        dest,
        expectedHash: { algorithm: 'md5', hex: md5 },
        fetchImpl: fakeFetch({ failAfter: 3 }),
      });
      expect.unreachable();
    } catch (error) {
      expect(isHeadstartError(error, 'DOWNLOAD_FAILED')).toBe(true);
      expect((error as Error).message).toMatch(/interrupted after 30000 bytes: Error: connection reset/);
    }
    expect(leftovers('cut.h5')).toEqual([]);
  });

  it('fails on HTTP errors, network errors and silent servers', async () => {
    const dest = join(dir, 'http.h5');
    const hash = { algorithm: 'md5', hex: md5 } as const;
    await expect(
      downloadFile({
        url: 'https://example.test/x',
        dest,
        expectedHash: hash,
        fetchImpl: fakeFetch({ status: 404 }),
      }),
    ).rejects.toThrow(/Download of https:\/\/example\.test\/x failed: HTTP 404/);
    const refused: FetchImpl = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(
      downloadFile({ url: 'u', dest, expectedHash: hash, fetchImpl: refused }),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
    const silent: FetchImpl = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    await expect(
      downloadFile({ url: 'u', dest, expectedHash: hash, fetchImpl: silent, connectTimeoutMs: 50 }),
    ).rejects.toThrow(/no response within 50 ms/);
    expect(leftovers('http.h5')).toEqual([]);
  });
});

import { describe, expect, test } from 'vitest';
import { createHttpBundleReader, type DownloadProgress } from './http-bundle-reader.ts';

function fakeFetch(files: Record<string, Uint8Array>, requested: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    requested.push(url);
    if (url.includes('boom')) return new Response('no', { status: 500 });
    const body = files[url];
    if (!body) return new Response('missing', { status: 404 });
    return new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { 'content-length': String(body.byteLength) },
    });
  }) as typeof fetch;
}

describe('createHttpBundleReader', () => {
  test('reads files under the base URL with progress; 404 is PATH_NOT_FOUND, other statuses DOWNLOAD_FAILED', async () => {
    const requested: string[] = [];
    const progress: DownloadProgress[] = [];
    const reader = createHttpBundleReader({
      baseUrl: '/preloaded',
      fetchImpl: fakeFetch({ '/preloaded/head/model.json': new Uint8Array([1, 2, 3]) }, requested),
      onProgress: (p) => progress.push(p),
    });
    expect(await reader.read('head/model.json')).toEqual(new Uint8Array([1, 2, 3]));
    expect(progress.at(-1)).toEqual({ path: 'head/model.json', loaded: 3, total: 3 });
    await expect(reader.read('metrics.json')).rejects.toMatchObject({ code: 'PATH_NOT_FOUND' });
    await expect(reader.read('boom.json')).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining('HTTP 500'),
    });
    expect(requested[0]).toBe('/preloaded/head/model.json');
  });
});

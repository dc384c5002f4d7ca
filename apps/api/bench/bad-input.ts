import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pixelBombPng } from '../test/harness.ts';

export interface BadInputCase {
  name: string;
  expected: number;
  /** Statuses seen over the rounds (or the client error), with counts. */
  seen: Record<string, number>;
  pass: boolean;
}

export interface BadInputResult {
  rounds: number;
  cases: BadInputCase[];
  rssStartMiB: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  rssChangePercent: number;
  /** A good request and /healthz after it all. */
  stillServing: boolean;
}

interface Send {
  path?: string;
  headers: Record<string, string | number>;
  /** A buffer, or a byte count streamed in 64 KiB chunks without Content-Length. */
  body: Uint8Array | { streamBytes: number };
}

/** One request; resolves to the status, or to the client-side error when no response came. */
function send(url: string, s: Send): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: string) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    const req = request(
      { host: hostname, port, method: 'POST', path: s.path ?? '/v1/predict', headers: s.headers },
      (res) => {
        res.resume();
        res.on('end', () => done(String(res.statusCode)));
        res.on('error', () => done(String(res.statusCode)));
      },
    );
    // The server may answer 413 and close before a large upload is through; the status still counts.
    req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    if (s.body instanceof Uint8Array) {
      req.end(s.body);
    } else {
      const total = s.body.streamBytes;
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      Readable.from(
        (function* () {
          while (sent < total) {
            sent += chunk.length;
            yield chunk;
          }
        })(),
      )
        .on('error', () => undefined)
        .pipe(req);
    }
  });
}

async function rssMiB(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Math.round((Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1]) / 2 ** 20) * 10) / 10;
}

function multipartOf(images: readonly Uint8Array[]): { body: Uint8Array; type: string } {
  const boundary = 'headstartbench';
  const parts = images.map((image, i) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${i}.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      image,
      Buffer.from('\r\n'),
    ]),
  );
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

/**
 * Sends every kind of bad input `rounds` times (each round's cases at once), checks each status, and
 * compares the server's RSS before and after (settled for a few seconds).
 */
export async function badInputRun(options: {
  url: string;
  png: Uint8Array;
  jpeg: Uint8Array;
  rounds: number;
}): Promise<BadInputResult> {
  const { url, png, jpeg } = options;
  const good: Send = { headers: { 'content-type': 'image/png' }, body: png };
  for (let i = 0; i < 20; i++) await send(url, good);
  const rssStartMiB = await rssMiB(url);
  const fifty = 50 * 1024 * 1024;
  const thousand = multipartOf(new Array(1000).fill(png));
  const bomb = pixelBombPng({ width: 20_000, height: 20_000 });
  const cases: { name: string; expected: number; send: Send }[] = [
    {
      name: 'truncated PNG',
      expected: 400,
      send: { headers: { 'content-type': 'image/png' }, body: png.slice(0, png.length >> 1) },
    },
    {
      name: 'truncated JPEG',
      expected: 400,
      send: { headers: { 'content-type': 'image/jpeg' }, body: jpeg.slice(0, jpeg.length >> 1) },
    },
    {
      name: 'zero bytes',
      expected: 400,
      send: { headers: { 'content-type': 'image/png', 'content-length': 0 }, body: new Uint8Array(0) },
    },
    {
      name: 'wrong content type (text/plain)',
      expected: 415,
      send: { headers: { 'content-type': 'text/plain' }, body: png },
    },
    {
      name: `pixel bomb: 20,000×20,000 PNG of ${(bomb.length / 1024).toFixed(1)} KiB`,
      expected: 413,
      send: { headers: { 'content-type': 'image/png' }, body: bomb },
    },
    {
      name: '50 MB body (Content-Length)',
      expected: 413,
      send: {
        headers: { 'content-type': 'image/png', 'content-length': fifty },
        body: { streamBytes: fifty },
      },
    },
    {
      name: '50 MB body (chunked)',
      expected: 413,
      send: { headers: { 'content-type': 'image/png' }, body: { streamBytes: fifty } },
    },
    {
      name: 'base64 garbage (JSON)',
      expected: 400,
      send: {
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"images":["@@not base64@@"]}'),
      },
    },
    {
      name: 'invalid JSON',
      expected: 400,
      send: { headers: { 'content-type': 'application/json' }, body: Buffer.from('{"images": [') },
    },
    {
      name: `1,000 images in one request (${(thousand.body.length / 2 ** 20).toFixed(1)} MiB multipart)`,
      expected: 413,
      send: { headers: { 'content-type': thousand.type }, body: thousand.body },
    },
  ];
  const seen = cases.map(() => ({}) as Record<string, number>);
  let rssPeakMiB = rssStartMiB;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rssPeakMiB = Math.max(rssPeakMiB, await rssMiB(url));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  for (let round = 0; round < options.rounds; round++) {
    const statuses = await Promise.all(cases.map((c) => send(url, c.send)));
    statuses.forEach((status, i) => (seen[i]![status] = (seen[i]![status] ?? 0) + 1));
  }
  sampling = false;
  await sampler;
  await new Promise((r) => setTimeout(r, 3000));
  const rssEndMiB = await rssMiB(url);
  const stillServing = (await send(url, good)) === '200' && (await fetch(`${url}/healthz`)).status === 200;
  return {
    rounds: options.rounds,
    cases: cases.map((c, i) => ({
      name: c.name,
      expected: c.expected,
      seen: seen[i]!,
      pass: Object.keys(seen[i]!).length === 1 && seen[i]![String(c.expected)] === options.rounds,
    })),
    rssStartMiB,
    rssPeakMiB,
    rssEndMiB,
    rssChangePercent: Math.round(((rssEndMiB - rssStartMiB) / rssStartMiB) * 1000) / 10,
    stillServing,
  };
}

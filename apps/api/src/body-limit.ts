import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from './http-errors.ts';

/**
 * Refuses bodies over `maxBytes` with PAYLOAD_TOO_LARGE. A declared Content-Length is checked without
 * touching the body (Node's parser holds the client to it), which keeps @hono/node-server on its fast
 * path of reading the body straight from the socket; chunked bodies are counted as they stream in.
 */
export function limitBody(options: { maxBytes: number }): MiddlewareHandler {
  const tooLarge = () =>
    new HttpError(
      'PAYLOAD_TOO_LARGE',
      `The request body is over the limit of ${options.maxBytes.toLocaleString('en-US')} bytes (--max-body).`,
    );
  const streamed = bodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(declared)) {
      if (Number(declared) > options.maxBytes) throw tooLarge();
      return next();
    }
    return streamed(c, next);
  };
}

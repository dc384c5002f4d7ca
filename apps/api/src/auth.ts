import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './http-errors.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Requires `Authorization: Bearer <apiKey>` on every path but `except`. Tokens are compared through
 * their sha256 in constant time, so neither their content nor their length leaks through timing.
 */
export function bearerAuth(options: { apiKey: string; except: readonly string[] }): MiddlewareHandler {
  const expected = digest(options.apiKey);
  return async (c, next) => {
    if (options.except.includes(c.req.path) || c.req.method === 'OPTIONS') return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match || !timingSafeEqual(digest(match[1] as string), expected)) {
      throw new HttpError(
        'UNAUTHORIZED',
        match
          ? 'The bearer token is not valid.'
          : 'This server needs an API key: send Authorization: Bearer <key>.',
        { headers: { 'WWW-Authenticate': 'Bearer realm="headstart"' } },
      );
    }
    return next();
  };
}

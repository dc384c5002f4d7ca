import { isHeadstartError } from '@headstart/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { HTTP_STATUS, HttpError, type ApiErrorCode, type ErrorBody } from './http-errors.ts';

/** What a failure becomes on the wire. */
export interface ErrorReply {
  status: (typeof HTTP_STATUS)[ApiErrorCode];
  body: ErrorBody;
  headers: Record<string, string>;
}

/**
 * Maps any error to the API's JSON error: HeadstartError and HttpError by their code, Hono's own
 * exceptions by status, anything else to INTERNAL with a generic message (the detail goes to the log,
 * never to the client).
 */
export function toErrorReply(error: unknown, log?: (line: string) => void): ErrorReply {
  let code: ApiErrorCode;
  let message: string;
  let headers: Record<string, string> = {};
  if (error instanceof HttpError) {
    code = error.code;
    message = error.message;
    headers = { ...error.headers };
  } else if (isHeadstartError(error)) {
    code = error.code;
    message = error.message;
  } else if (error instanceof HTTPException && error.status === 413) {
    code = 'PAYLOAD_TOO_LARGE';
    message = 'The request body is too large.';
  } else if (error instanceof HTTPException && error.status < 500) {
    code = 'INVALID_OPTION';
    message = `The request is malformed (HTTP ${error.status}).`;
  } else {
    code = 'INTERNAL';
    message = 'Internal server error; the details are in the server log.';
  }
  const status = HTTP_STATUS[code];
  if (status >= 500 && code !== 'QUEUE_FULL' && code !== 'NOT_READY' && code !== 'TIMEOUT') {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log?.(`error ${code}: ${detail}`);
  }
  if (code === 'QUEUE_FULL' && !headers['Retry-After']) headers['Retry-After'] = '1';
  return { status, body: { error: { code, message } }, headers };
}

/** Sends `error` as the API's JSON error response. */
export function sendError(c: Context, error: unknown, log?: (line: string) => void): Response {
  const reply = toErrorReply(error, log);
  return c.json(reply.body, reply.status, reply.headers);
}

import type { ErrorCode } from '@headstart/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Failures only HTTP has: they never arise in the core, so they are not core error codes. */
export const HTTP_ERROR_CODES = ['UNAUTHORIZED', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'NOT_READY'] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** Every code a client can see in `{ "error": { "code", "message" } }`. */
export type ApiErrorCode = ErrorCode | HttpErrorCode;

/** An HTTP-level failure (auth, routing, request size, readiness), with extra headers to send. */
export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly headers: Record<string, string>;

  constructor(code: HttpErrorCode, message: string, options: { headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

/**
 * The API's one table from error code to HTTP status. Client mistakes are 4xx; the bundle, backbone or
 * device failing on the server's side is 500; overload is 503 and a missed deadline 504.
 */
export const HTTP_STATUS = {
  INVALID_OPTION: 400,
  PATH_NOT_FOUND: 500,
  IMAGE_DECODE_FAILED: 400,
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DATASET_INVALID: 400,
  DATASET_TOO_SMALL: 400,
  BACKBONE_INVALID: 500,
  BACKBONE_IO_MISMATCH: 500,
  BACKBONE_NOT_FOUND: 500,
  WEIGHTS_UNAVAILABLE: 500,
  CHECKSUM_MISMATCH: 500,
  DOWNLOAD_FAILED: 500,
  DEVICE_UNAVAILABLE: 500,
  HEAD_SPEC_INVALID: 500,
  BUNDLE_INVALID: 500,
  BUNDLE_SCHEMA_TOO_NEW: 500,
  BUNDLE_BACKBONE_MISMATCH: 500,
  CACHE_CORRUPT: 500,
  QUEUE_FULL: 503,
  TIMEOUT: 504,
  ABORTED: 503,
  INTERNAL: 500,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  NOT_READY: 503,
} as const satisfies Record<ApiErrorCode, ContentfulStatusCode>;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string };
}

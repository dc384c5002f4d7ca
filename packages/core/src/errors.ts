/**
 * Every failure the core reports on purpose. Apps map these codes to exit codes or HTTP statuses in one
 * place each; the set is closed so those maps can be checked for completeness by the compiler.
 */
export const ERROR_CODES = [
  'INVALID_OPTION',
  'PATH_NOT_FOUND',
  'IMAGE_DECODE_FAILED',
  'IMAGE_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'DATASET_INVALID',
  'DATASET_TOO_SMALL',
  'BACKBONE_INVALID',
  'BACKBONE_IO_MISMATCH',
  'BACKBONE_NOT_FOUND',
  'WEIGHTS_UNAVAILABLE',
  'CHECKSUM_MISMATCH',
  'DOWNLOAD_FAILED',
  'DEVICE_UNAVAILABLE',
  'HEAD_SPEC_INVALID',
  'BUNDLE_INVALID',
  'BUNDLE_SCHEMA_TOO_NEW',
  'BUNDLE_BACKBONE_MISMATCH',
  'CACHE_CORRUPT',
  'QUEUE_FULL',
  'TIMEOUT',
  'ABORTED',
  'INTERNAL',
] as const;

/** A stable, machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error type the core throws for anticipated failures. */
export class HeadstartError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeadstartError';
    this.code = code;
  }
}

/** True when `error` is a HeadstartError, optionally with the given code. */
export function isHeadstartError(error: unknown, code?: ErrorCode): error is HeadstartError {
  return error instanceof HeadstartError && (code === undefined || error.code === code);
}

/** Formats a list of allowed values for messages: `flatten, avg or max`. */
export function formatChoices(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join('');
  return `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}

import { CommanderError } from 'commander';
import pc from 'picocolors';
import { HeadstartError, type ErrorCode } from '@headstart/core';

/** Exit status per error code: 2 usage, 3 input data, 4 models and bundles, 5 device, 1 anything else. */
export const EXIT_CODES = {
  INVALID_OPTION: 2,
  HEAD_SPEC_INVALID: 2,
  PATH_NOT_FOUND: 3,
  IMAGE_DECODE_FAILED: 3,
  IMAGE_TOO_LARGE: 3,
  UNSUPPORTED_MEDIA_TYPE: 3,
  DATASET_INVALID: 3,
  DATASET_TOO_SMALL: 3,
  BACKBONE_INVALID: 4,
  BACKBONE_IO_MISMATCH: 4,
  BACKBONE_NOT_FOUND: 4,
  WEIGHTS_UNAVAILABLE: 4,
  CHECKSUM_MISMATCH: 4,
  DOWNLOAD_FAILED: 4,
  BUNDLE_INVALID: 4,
  BUNDLE_SCHEMA_TOO_NEW: 4,
  BUNDLE_BACKBONE_MISMATCH: 4,
  CACHE_CORRUPT: 4,
  DEVICE_UNAVAILABLE: 5,
  QUEUE_FULL: 1,
  TIMEOUT: 1,
  ABORTED: 130,
  INTERNAL: 1,
} as const satisfies Record<ErrorCode, number>;

/**
 * The CLI's one place where failures become output: one line on stderr and an exit status; the stack only
 * with --verbose. Returns the exit status.
 */
export function reportError(
  error: unknown,
  options: { verbose: boolean; stderr?: NodeJS.WritableStream },
): number {
  const stderr = options.stderr ?? process.stderr;
  if (error instanceof CommanderError) {
    // Commander has already printed its own one-line message (unknown option, missing argument…).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof HeadstartError) {
    stderr.write(`${pc.red('error')} ${error.message}\n`);
    if (options.verbose && error.stack) stderr.write(`${pc.dim(error.stack)}\n`);
    return EXIT_CODES[error.code];
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(
    `${pc.red('error')} ${message.split('\n')[0]}${options.verbose ? '' : pc.dim(' (run with --verbose for details)')}\n`,
  );
  if (options.verbose && error instanceof Error && error.stack) stderr.write(`${pc.dim(error.stack)}\n`);
  return 1;
}

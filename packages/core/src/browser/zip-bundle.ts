import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { BundleWriter } from '../bundle/bundle-files.ts';
import { HeadstartError } from '../errors.ts';

/** Files whose bytes are already dense (weights, graphs) are stored, not deflated: it saves time, not space. */
const STORED = /\.(onnx|bin)$/i;

/** True when `bytes` start like a zip archive (a local file header, or an empty archive's end record). */
export function isZipArchive(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)
  );
}

/**
 * The files of a zip archive by path (folders dropped), e.g. a bundle zipped by hand or downloaded from the
 * page. A damaged archive gives BUNDLE_INVALID naming `name`.
 */
export function readZipFiles(options: { bytes: Uint8Array; name?: string }): Map<string, Uint8Array> {
  const name = options.name ?? 'The archive';
  if (!isZipArchive(options.bytes)) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `${name} is not a zip archive; drop a bundle folder or a .zip of one.`,
    );
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(options.bytes);
  } catch (error) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `${name} is a damaged zip archive (${(error as Error).message}).`,
      { cause: error },
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, data] of Object.entries(entries)) if (!path.endsWith('/')) files.set(path, data);
  return files;
}

/** A BundleWriter that collects files in memory and zips them when finished. */
export interface ZipBundleWriter {
  writer: BundleWriter;
  /** The archive; files sit under `folder/` when one was given. */
  finish(): Uint8Array;
}

/**
 * Collects a bundle's files for a download. With `folder`, every path is put under it, so unzipping gives
 * one bundle directory that `headstart predict --model <folder>` reads as it is.
 */
export function createZipBundleWriter(options: { folder?: string } = {}): ZipBundleWriter {
  const prefix = options.folder ? `${options.folder.replace(/\/+$/, '')}/` : '';
  if (prefix && (prefix.startsWith('/') || prefix.split('/').includes('..'))) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Zip folder "${options.folder}" must be a relative name without "..".`,
    );
  }
  const files: Zippable = {};
  const encoder = new TextEncoder();
  return {
    writer: {
      write(path, data) {
        const bytes = typeof data === 'string' ? encoder.encode(data) : data.slice();
        files[`${prefix}${path}`] = [bytes, { level: STORED.test(path) ? 0 : 6 }];
      },
    },
    finish: () => zipSync(files, { mtime: new Date('2000-01-01T00:00:00Z') }),
  };
}

import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { DatasetSample } from '../../data/dataset.ts';
import { HeadstartError } from '../../errors.ts';

/** File extensions listed as images; sharp and browsers decode these. BMP is not among them (sharp cannot). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/** True when the file name ends in an image extension (case-insensitive). */
export function isImageFile(file: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(file).toLowerCase());
}

/** A sample whose content is the file's bytes, read when asked for. */
export function fileSample(path: string, label: string): DatasetSample {
  return {
    id: path,
    label,
    read: async () => {
      // Synchronous on purpose: image files are small, and the thread-pool round trips of an async read
      // cost several times the read itself, CPU that extraction would take from the backbone.
      const buffer = readFileSync(path);
      return { kind: 'encoded', bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
    },
  };
}

/** Code-unit order, the same on every platform and locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What is at `path`: 'file', 'directory', or undefined when nothing is there. */
export async function pathKind(path: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Throws PATH_NOT_FOUND naming `path` when it is not a directory. */
export async function requireDirectory(path: string, what: string): Promise<void> {
  const kind = await pathKind(path);
  if (kind === undefined) throw new HeadstartError('PATH_NOT_FOUND', `${what} "${path}" does not exist.`);
  if (kind !== 'directory')
    throw new HeadstartError('PATH_NOT_FOUND', `${what} "${path}" is not a directory.`);
}

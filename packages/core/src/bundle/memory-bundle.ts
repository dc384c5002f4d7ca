import { HeadstartError } from '../errors.ts';
import type { BundleReader, BundleWriter } from './bundle-files.ts';

/** A bundle held in memory: for tests, uploads and browser downloads (zip the files yourself). */
export interface MemoryBundle {
  files: Map<string, Uint8Array>;
  writer: BundleWriter;
  reader: BundleReader;
}

/** Creates an empty in-memory bundle, or one over existing `files`. */
export function createMemoryBundle(options: { files?: Map<string, Uint8Array> } = {}): MemoryBundle {
  const files = options.files ?? new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  return {
    files,
    writer: {
      write(path, data) {
        files.set(path, typeof data === 'string' ? encoder.encode(data) : data.slice());
      },
    },
    reader: {
      async read(path) {
        const bytes = files.get(path);
        if (!bytes) throw new HeadstartError('PATH_NOT_FOUND', `The bundle has no file "${path}".`);
        return bytes;
      },
    },
  };
}

import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HeadstartError } from '../../errors.ts';
import { compareNames, isImageFile, pathKind } from './image-files.ts';

/**
 * Expands files and folders into image file paths: files as given (whatever their extension, so a bad
 * file gets its own error), folders recursively by image extension, sorted. Missing paths fail.
 */
export async function listImagePaths(options: { paths: readonly string[] }): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      compareNames(a.name, b.name),
    );
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (isImageFile(entry.name)) out.push(full);
    }
  };
  for (const path of options.paths) {
    const kind = await pathKind(path);
    if (kind === undefined) throw new HeadstartError('PATH_NOT_FOUND', `No such file or folder: ${path}`);
    if (kind === 'directory') await walk(resolve(path));
    else out.push(resolve(path));
  }
  return out;
}

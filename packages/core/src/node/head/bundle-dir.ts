import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { HeadstartError } from '../../errors.ts';
import {
  BUNDLE_FILES,
  loadBundle,
  writeBundle,
  type BundleContents,
  type BundleReader,
  type BundleWriter,
} from '../../bundle/bundle-files.ts';

/** Resolves a bundle-relative path inside `root`, refusing any that would leave it. */
function inside(root: string, path: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new HeadstartError('BUNDLE_INVALID', `Bundle path "${path}" points outside the bundle.`);
  }
  return full;
}

async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A BundleWriter into directory `dir` (created as needed). */
export function createDirBundleWriter(options: { dir: string }): BundleWriter {
  const root = resolve(options.dir);
  return {
    async write(path, data) {
      const full = inside(root, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, data);
    },
  };
}

/** A BundleReader over directory `dir`; missing files reject with PATH_NOT_FOUND. */
export function createDirBundleReader(options: { dir: string }): BundleReader {
  const root = resolve(options.dir);
  return {
    async read(path) {
      const full = inside(root, path);
      try {
        return new Uint8Array(await readFile(full));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new HeadstartError('PATH_NOT_FOUND', `Bundle file "${full}" does not exist.`, {
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}

/**
 * Writes a directory atomically: `write` fills `<dir>.tmp-<random>` beside it, which is then renamed onto
 * `dir`. If `write` fails, nothing is left behind. An existing bundle at `dir` is moved aside, replaced
 * and removed; any other existing file or non-empty directory is refused rather than replaced.
 */
export async function writeBundleDir(options: {
  dir: string;
  write: (writer: BundleWriter) => Promise<void>;
}): Promise<void> {
  const dir = resolve(options.dir);
  const existing = await statOrUndefined(dir);
  if (existing && !(await isReplaceable(dir, existing.isDirectory()))) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `"${dir}" exists and is not a model bundle (no manifest.json); refusing to replace it.`,
    );
  }
  await mkdir(dirname(dir), { recursive: true });
  const suffix = randomBytes(6).toString('hex');
  const tmp = `${dir}.tmp-${suffix}`;
  await mkdir(tmp);
  try {
    await options.write(createDirBundleWriter({ dir: tmp }));
    if (!existing) {
      await rename(tmp, dir);
      return;
    }
    const old = `${dir}.old-${suffix}`;
    await rename(dir, old);
    try {
      await rename(tmp, dir);
    } catch (error) {
      await rename(old, dir);
      throw error;
    }
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

async function isReplaceable(dir: string, isDirectory: boolean): Promise<boolean> {
  if (!isDirectory) return false;
  if (await statOrUndefined(join(dir, BUNDLE_FILES.manifest))) return true;
  return (await readdir(dir)).length === 0;
}

/** Writes a whole bundle (see writeBundle) to directory `dir`, atomically. */
export async function saveBundleDir(options: BundleContents & { dir: string }): Promise<void> {
  const { dir, ...contents } = options;
  await writeBundleDir({ dir, write: (writer) => writeBundle({ ...contents, writer }) });
}

/** Reads and validates the bundle in directory `dir` (see loadBundle). */
export async function readBundleDir(options: {
  dir: string;
  backboneSha256?: string;
}): Promise<BundleContents> {
  const dir = resolve(options.dir);
  const info = await statOrUndefined(dir);
  if (!info) throw new HeadstartError('PATH_NOT_FOUND', `Bundle directory "${dir}" does not exist.`);
  if (!info.isDirectory() || !(await statOrUndefined(join(dir, BUNDLE_FILES.manifest)))) {
    throw new HeadstartError('BUNDLE_INVALID', `"${dir}" is not a model bundle: manifest.json is missing.`);
  }
  return loadBundle({
    reader: createDirBundleReader({ dir }),
    ...(options.backboneSha256 !== undefined ? { backboneSha256: options.backboneSha256 } : {}),
  });
}

import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackboneSpec } from '../../backbone/backbone-spec.ts';
import { parseBackboneSpec } from '../../backbone/parse-backbone-spec.ts';
import { HeadstartError, isHeadstartError } from '../../errors.ts';
import { headstartHome } from '../paths.ts';

/**
 * The backbone store under the user cache: `<home>/models/<id>/<id>.onnx` beside `<id>.json` (its
 * BackboneSpec). Ids: `vgg16` / `vgg19` hold ImageNet weights, `<arch>-random-s<seed>` seeded random
 * weights, and imported graphs keep the id they were imported under. The spec is written last, so an entry
 * without one is incomplete and ignored.
 */
export interface StoreOptions {
  /** Cache root; defaults to headstartHome() (HEADSTART_HOME, XDG_CACHE_HOME/headstart, ~/.cache/headstart). */
  home?: string;
}

/** A stored backbone as listed. */
export interface BackboneInfo {
  id: string;
  arch: string;
  weights: BackboneSpec['weights'];
  seed?: number;
  normalization: BackboneSpec['normalization'];
  parameterCount: number;
  /** Size of the ONNX file in bytes. */
  sizeBytes: number;
  /** sha256 recorded in the spec (verified when the graph is loaded). */
  sha256: string;
  onnxPath: string;
  specPath: string;
  spec: BackboneSpec;
}

/** A backbone ready to load into a runtime. */
export interface ResolvedBackbone {
  /** Where the graph's file is (for files whose classifier was cut off, the original file). */
  path: string;
  /** The graph to run (already read and verified). */
  bytes: Uint8Array;
  spec: BackboneSpec;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Refuses ids that could escape the store or are not portable file names. */
export function checkBackboneId(id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Invalid backbone id "${id}"; use letters, digits, ".", "_" and "-" (starting with a letter or digit).`,
    );
  }
  return id;
}

/** `<home>/models`. */
export function modelsRoot(options: StoreOptions = {}): string {
  return join(options.home ?? headstartHome(), 'models');
}

function entryPaths(id: string, options: StoreOptions) {
  const dir = join(modelsRoot(options), checkBackboneId(id));
  return { dir, onnxPath: join(dir, `${id}.onnx`), specPath: join(dir, `${id}.json`) };
}

export function sha256OfBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readSpec(specPath: string, id: string): Promise<BackboneSpec> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(specPath, 'utf8'));
  } catch (cause) {
    throw new HeadstartError(
      'CACHE_CORRUPT',
      `The spec of cached backbone "${id}" (${specPath}) is not readable JSON; delete it and rebuild.`,
      { cause },
    );
  }
  try {
    return parseBackboneSpec(json, specPath);
  } catch (cause) {
    throw new HeadstartError('CACHE_CORRUPT', `${(cause as Error).message} Delete it and rebuild "${id}".`, {
      cause,
    });
  }
}

/** The stored backbone `id`, or undefined when the store has no complete entry for it. */
export async function findBackbone(
  options: StoreOptions & { id: string },
): Promise<BackboneInfo | undefined> {
  const { id } = options;
  const { onnxPath, specPath } = entryPaths(id, options);
  if (!existsSync(specPath) || !existsSync(onnxPath)) return undefined;
  const spec = await readSpec(specPath, id);
  const { size } = await stat(onnxPath);
  return {
    id,
    arch: spec.arch,
    weights: spec.weights,
    ...(spec.seed === undefined ? {} : { seed: spec.seed }),
    normalization: spec.normalization,
    parameterCount: spec.parameterCount,
    sizeBytes: size,
    sha256: spec.sha256,
    onnxPath,
    specPath,
    spec,
  };
}

/** The stored backbones, by id. Entries whose spec is missing (interrupted writes) are left out. */
export async function listBackbones(options: StoreOptions = {}): Promise<BackboneInfo[]> {
  const root = modelsRoot(options);
  if (!existsSync(root)) return [];
  const ids = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && ID_PATTERN.test(d.name))
    .map((d) => d.name);
  const infos = await Promise.all(ids.sort().map((id) => findBackbone({ ...options, id })));
  return infos.filter((info): info is BackboneInfo => info !== undefined);
}

/** The stored backbone `id`; BACKBONE_NOT_FOUND names the stored ids when there is none. */
export async function getBackboneInfo(options: StoreOptions & { id: string }): Promise<BackboneInfo> {
  const info = await findBackbone(options);
  if (info) return info;
  const stored = (await listBackbones(options)).map((b) => b.id);
  throw new HeadstartError(
    'BACKBONE_NOT_FOUND',
    `No backbone "${options.id}" in ${modelsRoot(options)}; stored: ${stored.length > 0 ? stored.join(', ') : 'none'}.`,
  );
}

/** Reads a stored backbone and checks its bytes against the spec's sha256 (CACHE_CORRUPT on mismatch). */
export async function loadBackbone(options: StoreOptions & { id: string }): Promise<ResolvedBackbone> {
  const info = await getBackboneInfo(options);
  const file = await readFile(info.onnxPath);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const actual = sha256OfBytes(bytes);
  if (actual !== info.spec.sha256) {
    throw new HeadstartError(
      'CACHE_CORRUPT',
      `Cached backbone "${info.id}" (${info.onnxPath}) has sha256 ${actual}, but its spec says ${info.spec.sha256}; delete ${join(modelsRoot(options), info.id)} and build, pull or import it again.`,
    );
  }
  return { path: info.onnxPath, bytes, spec: info.spec };
}

/**
 * Stores a graph and its spec under spec.id. Both are written to temporary names in the entry's folder and
 * renamed into place, graph first and spec last, after removing any old spec: a crash at any point leaves
 * either the old complete entry, or one without a spec, which is treated as absent.
 */
export async function saveBackbone(
  options: StoreOptions & { bytes: Uint8Array; spec: BackboneSpec },
): Promise<BackboneInfo> {
  const { bytes, spec } = options;
  const { dir, onnxPath, specPath } = entryPaths(spec.id, options);
  if (sha256OfBytes(bytes) !== spec.sha256) {
    throw new HeadstartError(
      'INTERNAL',
      `Refusing to store backbone "${spec.id}": its bytes do not match the spec's sha256.`,
    );
  }
  await mkdir(dir, { recursive: true });
  const suffix = `.tmp-${randomBytes(6).toString('hex')}`;
  const onnxTemp = onnxPath + suffix;
  const specTemp = specPath + suffix;
  try {
    await writeFile(onnxTemp, bytes);
    await writeFile(specTemp, `${JSON.stringify(spec, null, 2)}\n`);
    await rm(specPath, { force: true });
    await rename(onnxTemp, onnxPath);
    await rename(specTemp, specPath);
  } catch (cause) {
    await Promise.all([rm(onnxTemp, { force: true }), rm(specTemp, { force: true })]);
    if (isHeadstartError(cause)) throw cause;
    throw new HeadstartError(
      'INTERNAL',
      `Could not store backbone "${spec.id}" in ${dir}: ${String(cause)}`,
      { cause },
    );
  }
  return (await findBackbone({ ...options, id: spec.id }))!;
}

/** Deletes a stored backbone; true when there was one. */
export async function removeBackbone(options: StoreOptions & { id: string }): Promise<boolean> {
  const { dir } = entryPaths(options.id, options);
  if (!existsSync(dir)) return false;
  await rm(dir, { recursive: true, force: true });
  return true;
}

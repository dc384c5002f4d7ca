import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { BlobEntry } from '../../cache/blob-store.ts';

/**
 * A pack file holds one batch of blobs, so a batch costs one file write instead of one per blob:
 * 8 bytes of magic, a u32 (little-endian) header length, a JSON header `{"entries":[[key, length], …]}`,
 * then the blobs back to back in header order.
 */
const MAGIC = 'HSPACK01';
const PREFIX_BYTES = 12;
/** What one read at open usually covers: the prefix and a header of a few hundred keys. */
const FIRST_READ_BYTES = 64 * 1024;

/** File names of finished packs end with this; temp files carry `.tmp-` and are never read. */
export const PACK_SUFFIX = '.pack';

/** Where one blob lies inside a pack. */
export interface PackedBlob {
  key: string;
  offset: number;
  length: number;
}

/** A pack holding `entries`: its buffers in file order (for one vectored write) and each blob's offset. */
export function encodePack(entries: readonly BlobEntry[]): { buffers: Uint8Array[]; offsets: number[] } {
  const header = new TextEncoder().encode(
    JSON.stringify({ entries: entries.map((e) => [e.key, e.bytes.byteLength]) }),
  );
  const prefix = new Uint8Array(PREFIX_BYTES);
  prefix.set(new TextEncoder().encode(MAGIC));
  new DataView(prefix.buffer).setUint32(8, header.byteLength, true);
  const offsets: number[] = [];
  let offset = PREFIX_BYTES + header.byteLength;
  for (const entry of entries) {
    offsets.push(offset);
    offset += entry.bytes.byteLength;
  }
  return { buffers: [prefix, header, ...entries.map((e) => e.bytes)], offsets };
}

function parseEntries(json: string): [string, number][] | undefined {
  try {
    const parsed = JSON.parse(json) as { entries?: unknown };
    const entries = parsed.entries;
    if (!Array.isArray(entries)) return undefined;
    const ok = entries.every(
      (e): e is [string, number] =>
        Array.isArray(e) &&
        typeof e[0] === 'string' &&
        typeof e[1] === 'number' &&
        Number.isInteger(e[1]) &&
        e[1] >= 0,
    );
    return ok ? entries : undefined;
  } catch {
    return undefined;
  }
}

async function readIndex(handle: FileHandle): Promise<PackedBlob[] | undefined> {
  const { size } = await handle.stat();
  if (size < PREFIX_BYTES) return undefined;
  const first = new Uint8Array(Math.min(size, FIRST_READ_BYTES));
  await handle.read(first, 0, first.byteLength, 0);
  if (new TextDecoder().decode(first.subarray(0, 8)) !== MAGIC) return undefined;
  const headerBytes = new DataView(first.buffer).getUint32(8, true);
  const dataStart = PREFIX_BYTES + headerBytes;
  if (dataStart > size) return undefined;
  let header = first.subarray(PREFIX_BYTES, dataStart);
  if (dataStart > first.byteLength) {
    header = new Uint8Array(headerBytes);
    await handle.read(header, 0, headerBytes, PREFIX_BYTES);
  }
  const entries = parseEntries(new TextDecoder().decode(header));
  if (!entries) return undefined;
  const blobs: PackedBlob[] = [];
  let offset = dataStart;
  for (const [key, length] of entries) {
    blobs.push({ key, offset, length });
    offset += length;
  }
  // A pack shorter or longer than its header says is damaged: none of it is trusted.
  return offset === size ? blobs : undefined;
}

/** The blobs a pack file holds, or undefined when it is missing, not a pack, or damaged. */
export async function readPackIndex(path: string): Promise<PackedBlob[] | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return await readIndex(handle);
  } finally {
    await handle.close();
  }
}

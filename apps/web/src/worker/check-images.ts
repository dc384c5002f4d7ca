import { checkImageHeader, createBrowserDecoder, isHeadstartError } from '@headstart/core/browser';
import type { FileCheck } from '../shared/protocol.ts';

const decode = createBrowserDecoder();

/** Up to this many files are decoded when dropped; beyond, only their headers are read (decoding waits for training). */
const DECODE_LIMIT = 200;
const HEADER_BYTES = 65_536;

/**
 * Checks dropped files a few at a time, so that non-images and corrupt images are named when they are
 * dropped: small drops are decoded in full; large ones have their headers checked, and any image that
 * then fails to decode is reported next to its class when training extracts it.
 */
export async function checkImages(files: { name: string; blob: Blob }[]): Promise<FileCheck[]> {
  const full = files.length <= DECODE_LIMIT;
  const out: FileCheck[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i] as { name: string; blob: Blob };
      try {
        if (full) await decode(new Uint8Array(await file.blob.arrayBuffer()), file.name);
        else
          checkImageHeader({
            bytes: new Uint8Array(await file.blob.slice(0, HEADER_BYTES).arrayBuffer()),
            name: file.name,
          });
        out[i] = { name: file.name, ok: true };
      } catch (error) {
        out[i] = {
          name: file.name,
          ok: false,
          message: isHeadstartError(error) ? error.message : `Cannot read "${file.name}": ${String(error)}`,
        };
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}

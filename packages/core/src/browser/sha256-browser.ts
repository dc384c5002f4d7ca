import { sha256Hex } from '../backbone/sha256.ts';

/**
 * Lower-case hex sha256 of `bytes` through WebCrypto when the context has it (native, and fast enough for a
 * 59 MB graph), else through the core's JavaScript implementation. Both give the same digest.
 */
export async function sha256HexAsync(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (!subtle) return sha256Hex(bytes);
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

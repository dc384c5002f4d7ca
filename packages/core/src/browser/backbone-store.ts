import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { parseBackboneSpec } from '../backbone/parse-backbone-spec.ts';
import type { BlobStore } from '../cache/blob-store.ts';
import { sha256HexAsync } from './sha256-browser.ts';

/** A backbone graph and its spec, kept by sha256 so it is neither downloaded nor rebuilt twice. */
export interface StoredBackbone {
  bytes: Uint8Array;
  spec: BackboneSpec;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function keys(sha256: string): { graph: string; spec: string } {
  return { graph: `${sha256}/graph.onnx`, spec: `${sha256}/spec.json` };
}

/**
 * The backbone stored under `sha256`, verified again on the way out (a damaged or stale entry is a miss
 * rather than a wrong graph), or undefined.
 */
export async function getStoredBackbone(options: {
  store: BlobStore;
  sha256: string;
}): Promise<StoredBackbone | undefined> {
  const k = keys(options.sha256);
  const [bytes, specBytes] = await Promise.all([options.store.get(k.graph), options.store.get(k.spec)]);
  if (!bytes || !specBytes) return undefined;
  if ((await sha256HexAsync(bytes)) !== options.sha256) return undefined;
  try {
    const spec = parseBackboneSpec(JSON.parse(decoder.decode(specBytes)), 'The stored backbone spec');
    return spec.sha256 === options.sha256 ? { bytes, spec } : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a backbone under its spec's sha256 (the graph first, so a spec never points at nothing). */
export async function putStoredBackbone(options: {
  store: BlobStore;
  backbone: StoredBackbone;
}): Promise<void> {
  const { store, backbone } = options;
  const k = keys(backbone.spec.sha256);
  await store.put(k.graph, backbone.bytes);
  await store.put(k.spec, encoder.encode(JSON.stringify(backbone.spec)));
}

/**
 * A graph stored under `sha256` without a backbone spec (a merged export's model.onnx, whose spec comes
 * from its model.json), verified again on the way out, or undefined.
 */
export async function getStoredGraph(options: {
  store: BlobStore;
  sha256: string;
}): Promise<Uint8Array | undefined> {
  const bytes = await options.store.get(keys(options.sha256).graph);
  if (!bytes) return undefined;
  return (await sha256HexAsync(bytes)) === options.sha256 ? bytes : undefined;
}

/** Stores a graph's bytes under their sha256, where getStoredGraph finds them. */
export async function putStoredGraph(options: {
  store: BlobStore;
  sha256: string;
  bytes: Uint8Array;
}): Promise<void> {
  await options.store.put(keys(options.sha256).graph, options.bytes);
}

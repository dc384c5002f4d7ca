import type { BundleReader } from '../bundle/bundle-files.ts';
import {
  MERGED_MODEL_FILES,
  readMergedModelDescription,
  verifyMergedGraph,
  type MergedModel,
} from '../bundle/merged-model.ts';
import type { BlobStore } from '../cache/blob-store.ts';
import { getStoredGraph, putStoredGraph } from './backbone-store.ts';
import type { BackboneLoadPhase } from './locate-browser-backbone.ts';
import { sha256HexAsync } from './sha256-browser.ts';

export interface ReadBrowserMergedModelOptions {
  reader: BundleReader;
  /** Graphs by sha256 (the backbone store): looked in first, filled on the way. */
  store?: BlobStore;
  onPhase?: (phase: BackboneLoadPhase) => void;
}

/** A merged graph read and verified in the browser, with where its bytes came from. */
export interface ReadMergedModel extends MergedModel {
  /** For the page: `the export's model.onnx` or `the browser cache`. */
  source: string;
  /** Set when the graph could not be kept in the store: the next load reads it again. */
  warning?: string;
}

/**
 * Reads a merged export (`export --format onnx`) as loadMergedModel does, but hashes with WebCrypto
 * (a full VGG16 graph is hundreds of MB, too slow for the JavaScript sha256 on a page) and keeps the
 * graph in the browser's store by sha256, so a preloaded export downloads once. Every copy, stored or
 * read, is verified against model.json's sha256; a changed graph is CHECKSUM_MISMATCH, never run.
 */
export async function readBrowserMergedModel(
  options: ReadBrowserMergedModelOptions,
): Promise<ReadMergedModel> {
  const { reader, store, onPhase } = options;
  const description = await readMergedModelDescription(reader);
  const expected = description.sha256;
  if (store) {
    onPhase?.('cache');
    const stored = await getStoredGraph({ store, sha256: expected });
    if (stored) return { description, graph: stored, source: 'the browser cache' };
  }
  onPhase?.('read');
  const graph = await reader.read(MERGED_MODEL_FILES.graph);
  onPhase?.('verify');
  await verifyMergedGraph({ description, graph, sha256Hex: sha256HexAsync });
  const read: ReadMergedModel = { description, graph, source: `the export's ${MERGED_MODEL_FILES.graph}` };
  if (!store) return read;
  try {
    await putStoredGraph({ store, sha256: expected, bytes: graph });
    return read;
  } catch (error) {
    return { ...read, warning: `the graph could not be cached in the browser (${(error as Error).message})` };
  }
}

import { describe, expect, test } from 'vitest';
import { sha256Hex } from '../backbone/sha256.ts';
import type { BundleReader } from '../bundle/bundle-files.ts';
import { exampleMergedModel } from '../bundle/example-merged-model.ts';
import { createMemoryBundle } from '../bundle/memory-bundle.ts';
import { MERGED_MODEL_FILES } from '../bundle/merged-model.ts';
import { createMemoryBlobStore } from '../cache/blob-store.ts';
import { HeadstartError } from '../errors.ts';
import { readBrowserMergedModel } from './read-browser-merged-model.ts';
import type { BackboneLoadPhase } from './locate-browser-backbone.ts';

const graph = new Uint8Array([8, 7, 1, 2, 3, 9]);

/** A reader that counts what it was asked for. */
function counting(reader: BundleReader): { reader: BundleReader; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    reader: {
      read: (path) => {
        reads.push(path);
        return reader.read(path);
      },
    },
  };
}

describe('readBrowserMergedModel', () => {
  test('reads and verifies the graph, keeps it by sha256, and takes it from the store next time', async () => {
    const { manifest, description, reader } = exampleMergedModel({ graph });
    const store = createMemoryBlobStore();
    const phases: BackboneLoadPhase[] = [];
    const first = await readBrowserMergedModel({ reader, store, onPhase: (p) => phases.push(p) });
    expect(first.graph).toEqual(graph);
    expect(first.description.bundle).toEqual(manifest);
    expect(first.source).toBe("the export's model.onnx");
    expect(phases).toEqual(['cache', 'read', 'verify']);
    const again = counting(reader);
    const second = await readBrowserMergedModel({ reader: again.reader, store });
    expect(second.graph).toEqual(graph);
    expect(second.source).toBe('the browser cache');
    expect(again.reads).toEqual([MERGED_MODEL_FILES.description]);
    expect(second.description).toEqual(description);
  });

  test('a changed graph is refused, and a damaged stored copy is a miss, not a wrong graph', async () => {
    const tampered = Uint8Array.from(graph, (b, i) => (i === 2 ? b ^ 0xff : b));
    await expect(
      readBrowserMergedModel({ reader: exampleMergedModel({ graph, written: tampered }).reader }),
    ).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringMatching(/^model.onnx has sha256 [0-9a-f]{64}, but model.json says/),
    });
    const store = createMemoryBlobStore();
    await store.put(`${sha256Hex(graph)}/graph.onnx`, tampered);
    const read = await readBrowserMergedModel({ reader: exampleMergedModel({ graph }).reader, store });
    expect(read.graph).toEqual(graph);
    expect(read.source).toBe("the export's model.onnx");
  });

  test('a store that cannot keep the graph gives a warning, not a failure', async () => {
    const store = {
      get: async () => undefined,
      put: async () => {
        throw new Error('QuotaExceededError');
      },
    };
    const read = await readBrowserMergedModel({ reader: exampleMergedModel({ graph }).reader, store });
    expect(read.warning).toBe('the graph could not be cached in the browser (QuotaExceededError)');
  });

  test('model.json that is not JSON, or not a merged description, is BUNDLE_INVALID', async () => {
    const bundle = createMemoryBundle();
    bundle.writer.write(MERGED_MODEL_FILES.description, '{"format":');
    await expect(readBrowserMergedModel({ reader: bundle.reader })).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
      message: expect.stringContaining('model.json is not valid JSON'),
    });
    bundle.writer.write(MERGED_MODEL_FILES.description, '{"format":"headstart-merged-onnx"}');
    await expect(readBrowserMergedModel({ reader: bundle.reader })).rejects.toBeInstanceOf(HeadstartError);
  });
});

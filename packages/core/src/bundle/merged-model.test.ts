import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../backbone/sha256.ts';
import { exampleMergedModel } from './example-merged-model.ts';
import { createMemoryBundle } from './memory-bundle.ts';
import { isMergedModel, loadMergedModel, mergedBackboneSpec, MERGED_MODEL_FILES } from './merged-model.ts';

const graph = new Uint8Array([8, 7, 1, 2, 3]);

describe('merged model description', () => {
  it('round-trips, carries the bundle manifest, and describes the graph as a backbone of probabilities', async () => {
    const { manifest, reader } = exampleMergedModel({ graph });
    expect(await isMergedModel(reader)).toBe(true);
    const merged = await loadMergedModel({ reader });
    expect(merged.graph).toEqual(graph);
    expect(merged.description.bundle).toEqual(manifest);
    const spec = mergedBackboneSpec(merged);
    expect(spec).toMatchObject({
      outputName: 'probabilities',
      outputChannels: manifest.labels.length,
      sha256: sha256Hex(graph),
      downsample: manifest.preprocess.inputSize,
    });
  });

  it('is not taken for a bundle, and refuses a changed graph or a foreign model.json in one line', async () => {
    expect(await isMergedModel(createMemoryBundle().reader)).toBe(false);
    const changed = exampleMergedModel({ graph });
    changed.writer.write(MERGED_MODEL_FILES.graph, new Uint8Array([1]));
    await expect(loadMergedModel({ reader: changed.reader })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringMatching(/^model\.onnx has sha256 [0-9a-f]{64}, but model\.json says/),
    });
    const foreign = exampleMergedModel({ graph, edit: (d) => delete d.bundle });
    await expect(loadMergedModel({ reader: foreign.reader })).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
    });
    const relabelled = exampleMergedModel({ graph, edit: (d) => (d.labels = ['x', 'y']) });
    await expect(loadMergedModel({ reader: relabelled.reader })).rejects.toThrow(
      'model.json lists other labels than its bundle manifest.',
    );
    const unknown = exampleMergedModel({ graph, edit: (d) => (d.format = 'something-else') });
    expect(await isMergedModel(unknown.reader)).toBe(false);
    await expect(loadMergedModel({ reader: unknown.reader })).rejects.toThrow(
      /model\.json is not a Headstart merged-graph description \(format: /,
    );
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { parseHeadSpec } from '../head/head-spec.ts';
import { predictProbabilities } from '../head/predict-head.ts';
import { syntheticClusters } from '../head/synthetic-clusters.ts';
import { trainHead } from '../head/train-head.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { BUNDLE_FILES, loadBundle, writeBundle } from './bundle-files.ts';
import { exampleManifest } from './example-manifest.ts';
import { createMemoryBundle } from './memory-bundle.ts';

beforeAll(async () => {
  await initTfjs({ backend: 'wasm' });
});

const data = syntheticClusters({ numClasses: 3, dim: 12, perClass: 30, seed: 2, offset: 5 });
const manifest = exampleManifest();

async function trainedBundle() {
  const trained = await trainHead({ train: data, spec: manifest.head.spec, numClasses: 3, epochs: 2 });
  const bundle = createMemoryBundle();
  await writeBundle({
    writer: bundle.writer,
    manifest,
    head: trained,
    metrics: { validation: { accuracy: 0.9 } },
    history: trained.history,
  });
  return { trained, bundle };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isHeadstartError(error) ? error.code : String(error);
}

describe('bundle files', () => {
  it('round-trips a whole bundle', async () => {
    const { trained, bundle } = await trainedBundle();
    expect([...bundle.files.keys()].sort()).toEqual(Object.values(BUNDLE_FILES).sort());
    const loaded = await loadBundle({ reader: bundle.reader, backboneSha256: 'A'.repeat(64) });
    expect(loaded.manifest).toEqual(manifest);
    expect(loaded.metrics).toEqual({ validation: { accuracy: 0.9 } });
    expect(loaded.history).toEqual(trained.history);
    const a = await predictProbabilities({ head: trained, features: data.features, count: 90 });
    const b = await predictProbabilities({ head: loaded.head, features: data.features, count: 90 });
    expect(Array.from(b)).toEqual(Array.from(a));
    trained.model.dispose();
    loaded.head.model.dispose();
  });

  it('refuses a bundle made for another backbone, naming both hashes', async () => {
    const { trained, bundle } = await trainedBundle();
    const error = await loadBundle({ reader: bundle.reader, backboneSha256: 'b'.repeat(64) }).catch((e) => e);
    expect(error.code).toBe('BUNDLE_BACKBONE_MISMATCH');
    expect(error.message).toContain('a'.repeat(64));
    expect(error.message).toContain('b'.repeat(64));
    trained.model.dispose();
  });

  it('reports missing and broken files', async () => {
    const { trained, bundle } = await trainedBundle();
    bundle.files.delete(BUNDLE_FILES.metrics);
    const withoutMetrics = await loadBundle({ reader: bundle.reader });
    expect(withoutMetrics.metrics).toBeUndefined();
    withoutMetrics.head.model.dispose();
    const files = (drop: string, replace?: [string, string]) => {
      const copy = new Map(bundle.files);
      copy.delete(drop);
      if (replace) copy.set(replace[0], new TextEncoder().encode(replace[1]));
      return createMemoryBundle({ files: copy }).reader;
    };
    expect(await codeOf(loadBundle({ reader: files(BUNDLE_FILES.manifest) }))).toBe('BUNDLE_INVALID');
    expect(await codeOf(loadBundle({ reader: files(BUNDLE_FILES.weights) }))).toBe('PATH_NOT_FOUND');
    expect(await codeOf(loadBundle({ reader: files('', [BUNDLE_FILES.model, '{}']) }))).toBe(
      'BUNDLE_INVALID',
    );
    const escaping = JSON.parse(new TextDecoder().decode(bundle.files.get(BUNDLE_FILES.model)));
    escaping.weightsManifest[0].paths = ['../../etc/passwd'];
    const reader = files('', [BUNDLE_FILES.model, JSON.stringify(escaping)]);
    await expect(loadBundle({ reader })).rejects.toThrow('outside head/');
    trained.model.dispose();
  });

  it('refuses to write a manifest that disagrees with the head', async () => {
    const trained = await trainHead({
      train: data,
      spec: parseHeadSpec({ value: 'linear' }),
      numClasses: 3,
      epochs: 1,
    });
    const { writer, files } = createMemoryBundle();
    const wrongDim = { ...manifest, featureDim: 13 };
    await expect(writeBundle({ writer, manifest: wrongDim, head: trained })).rejects.toThrow(
      'the head takes 12 features but featureDim is 13',
    );
    const unstandardized = { model: trained.model };
    await expect(writeBundle({ writer, manifest, head: unstandardized })).rejects.toThrow(
      'head.standardized is true but a standardizer is not present',
    );
    expect(files.size).toBe(0);
    trained.model.dispose();
  });
});

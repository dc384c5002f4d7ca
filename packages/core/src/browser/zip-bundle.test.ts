import { beforeAll, describe, expect, test } from 'vitest';
import { loadBundle, writeBundle } from '../bundle/bundle-files.ts';
import { exampleManifest } from '../bundle/example-manifest.ts';
import { predictProbabilities } from '../head/predict-head.ts';
import { syntheticClusters } from '../head/synthetic-clusters.ts';
import { trainHead } from '../head/train-head.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { createFileMapBundle } from './file-map-bundle.ts';
import { createZipBundleWriter, isZipArchive, readZipFiles } from './zip-bundle.ts';

beforeAll(async () => {
  await initTfjs({ backend: 'wasm' });
});

const data = syntheticClusters({ numClasses: 3, dim: 12, perClass: 20, seed: 3, offset: 5 });
const manifest = exampleManifest();

describe('zip bundles', () => {
  test('a bundle written to a zip under a folder loads back with the same predictions', async () => {
    const trained = await trainHead({ train: data, spec: manifest.head.spec, numClasses: 3, epochs: 2 });
    const zip = createZipBundleWriter({ folder: 'my-model' });
    await writeBundle({ writer: zip.writer, manifest, head: trained, history: trained.history });
    await zip.writer.write('backbone.onnx', new Uint8Array([1, 2, 3, 4]));
    const bytes = zip.finish();
    expect(isZipArchive(bytes)).toBe(true);
    const files = readZipFiles({ bytes, name: 'my-model.zip' });
    expect([...files.keys()].sort()).toEqual([
      'my-model/backbone.onnx',
      'my-model/head/model.json',
      'my-model/head/standardizer.bin',
      'my-model/head/weights.bin',
      'my-model/history.json',
      'my-model/manifest.json',
    ]);
    const bundle = createFileMapBundle({ files });
    expect(bundle.root).toBe('my-model/');
    expect(await bundle.reader.read('backbone.onnx')).toEqual(new Uint8Array([1, 2, 3, 4]));
    const loaded = await loadBundle({ reader: bundle.reader });
    expect(loaded.manifest).toEqual(manifest);
    const a = await predictProbabilities({ head: trained, features: data.features, count: 60 });
    const b = await predictProbabilities({ head: loaded.head, features: data.features, count: 60 });
    expect(Array.from(b)).toEqual(Array.from(a));
    trained.model.dispose();
    loaded.head.model.dispose();
  });

  test('the same files give the same archive bytes (fixed timestamps)', () => {
    const make = () => {
      const zip = createZipBundleWriter();
      void zip.writer.write('manifest.json', '{}');
      return zip.finish();
    };
    expect(make()).toEqual(make());
  });

  test('refuses what is not a zip, and a damaged one, by name', () => {
    expect(() => readZipFiles({ bytes: new TextEncoder().encode('hello'), name: 'notes.txt' })).toThrow(
      /notes.txt is not a zip archive/,
    );
    const zip = createZipBundleWriter();
    void zip.writer.write('manifest.json', 'x'.repeat(500));
    const damaged = zip.finish().slice(0, 60);
    expect(() => readZipFiles({ bytes: damaged, name: 'cut.zip' })).toThrow(
      /cut.zip is a damaged zip archive/,
    );
  });
});

describe('createFileMapBundle', () => {
  const blob = (text: string) => new Blob([text]);

  test('finds the shallowest manifest.json, from folder drops and bare files alike', async () => {
    const nested = createFileMapBundle({
      files: new Map([
        ['run/manifest.json', blob('{"a":1}')],
        ['run/head/model.json', blob('{}')],
        ['run/old/manifest.json', blob('{"old":1}')],
      ]),
    });
    expect(nested.root).toBe('run/');
    expect(nested.paths.sort()).toEqual(['head/model.json', 'manifest.json', 'old/manifest.json']);
    expect(new TextDecoder().decode(await nested.reader.read('manifest.json'))).toBe('{"a":1}');
    const flat = createFileMapBundle({ files: new Map([['manifest.json', new Uint8Array([123, 125])]]) });
    expect(flat.root).toBe('');
  });

  test('a missing file reads as PATH_NOT_FOUND; no manifest at all is BUNDLE_INVALID naming what was given', async () => {
    const bundle = createFileMapBundle({ files: new Map([['manifest.json', blob('{}')]]) });
    await expect(bundle.reader.read('metrics.json')).rejects.toMatchObject({ code: 'PATH_NOT_FOUND' });
    expect(() =>
      createFileMapBundle({
        files: new Map([
          ['cat.png', blob('')],
          ['dog.png', blob('')],
        ]),
        name: 'The folder "pets"',
      }),
    ).toThrow(
      /The folder "pets" is not a model bundle: it has no manifest.json \(it holds "cat.png", "dog.png"\)/,
    );
  });

  test("finds model.json beside model.onnx as the root, but not a head's model.json", async () => {
    const dropped = createFileMapBundle({
      files: new Map([
        ['digits-onnx/model.json', blob('{}')],
        ['digits-onnx/model.onnx', blob('graph')],
      ]),
    });
    expect(dropped.root).toBe('digits-onnx/');
    expect(new TextDecoder().decode(await dropped.reader.read('model.onnx'))).toBe('graph');
    expect(() =>
      createFileMapBundle({
        files: new Map([['run/head/model.json', blob('{}')]]),
        name: 'The folder "run"',
      }),
    ).toThrow(
      'The folder "run" is not a model bundle: it has no manifest.json (it holds "run/head/model.json"), nor the model.json and model.onnx of a merged export.',
    );
  });
});

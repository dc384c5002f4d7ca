import { describe, expect, test } from 'vitest';
import { engineError } from '../../src/app/engine-client.ts';
import { groupByTopFolder, isClutter, type PickedFile } from '../../src/app/file-drop.ts';
import { randomBackboneName } from '../../src/worker/backbone-names.ts';
import {
  describeMergedModel,
  type BundleManifest,
  type LoadedModel,
  type MergedModelDescription,
} from '@headstart/core';
import {
  describeModel,
  isDigitBundle,
  mergedHasNoBackbone,
  recordedAccuracy,
} from '../../src/worker/model-info.ts';

const picked = (path: string) => ({ path, file: new Blob([path]) as File }) as PickedFile;

describe('page helpers', () => {
  test('a drop of folders groups files by their top folder, ignoring loose files', () => {
    const groups = groupByTopFolder([
      picked('cats/a.png'),
      picked('dogs/x/b.png'),
      picked('cats/c.png'),
      picked('loose.png'),
    ]);
    expect([...groups.keys()]).toEqual(['cats', 'dogs']);
    expect(groups.get('cats')?.map((f) => f.path)).toEqual(['cats/a.png', 'cats/c.png']);
  });

  test('OS clutter is not trained on', () => {
    expect(isClutter('cats/.DS_Store')).toBe(true);
    expect(isClutter('Thumbs.db')).toBe(true);
    expect(isClutter('cats/tabby.png')).toBe(false);
  });

  test('random backbones are named as the CLI names them; a cut after the last block is no cut', () => {
    expect(randomBackboneName({ arch: 'vgg16', seed: 42, block: 3 })).toEqual({
      id: 'vgg16-random-s42-b3',
      arch: 'vgg16-b3',
    });
    expect(randomBackboneName({ arch: 'vgg16', seed: 42, block: 5 })).toEqual({
      id: 'vgg16-random-s42',
      arch: 'vgg16',
    });
    expect(randomBackboneName({ arch: 'vgg16-micro', seed: 7 })).toEqual({
      id: 'vgg16-micro-random-s7',
      arch: 'vgg16-micro',
    });
    expect(() => randomBackboneName({ arch: 'vgg16', seed: 42, block: 6 })).toThrow(
      'Invalid feature block 6; vgg16 has blocks 1 to 5.',
    );
  });

  test('digit bundles get the drawing canvas; others do not', () => {
    expect(isDigitBundle(['0', '1', '7'])).toBe(true);
    expect(isDigitBundle(['0', 'cat'])).toBe(false);
    expect(isDigitBundle(['3'])).toBe(false);
    expect(recordedAccuracy({ validation: { accuracy: 0.9 } })).toBe(0.9);
    expect(recordedAccuracy({})).toBeUndefined();
  });

  test('engine failures come back as code and message', () => {
    expect(engineError(new Error('BUNDLE_SCHEMA_TOO_NEW: bundle schema 2 is newer'))).toEqual({
      code: 'BUNDLE_SCHEMA_TOO_NEW',
      message: 'bundle schema 2 is newer',
    });
    expect(engineError('boom')).toEqual({ code: 'INTERNAL', message: 'boom' });
  });

  test('a merged export is described as one graph with its names and sha256, and no recorded accuracy', () => {
    // Only what describing a model reads.
    const manifest = {
      id: 'digits',
      labels: ['0', '1'],
      backbone: { id: 'vgg16-micro-random-s42-b3', weights: 'random', seed: 42 },
      preprocess: { inputSize: 32, layout: 'nchw' },
      pooling: 'flatten',
      featureDim: 256,
    } as BundleManifest;
    const merged: MergedModelDescription = describeMergedModel({
      manifest,
      inputName: 'input',
      outputName: 'probabilities',
      numClasses: manifest.labels.length,
      sha256: 'c'.repeat(64),
    });
    const model = { manifest } as LoadedModel;
    const common = {
      model,
      backboneSource: "the export's model.onnx",
      origin: 'file' as const,
      warnings: [],
      executionProvider: 'wasm',
      executionNote: 'WASM, 1 thread',
    };
    const info = describeModel({ ...common, merged });
    expect(info.merged).toEqual({ sha256: 'c'.repeat(64), inputName: 'input', outputName: 'probabilities' });
    expect(info).toMatchObject({
      id: 'digits',
      labels: ['0', '1'],
      backboneId: 'vgg16-micro-random-s42-b3',
      backboneWeights: 'random, seed 42',
      digits: true,
    });
    expect(info.validationAccuracy).toBeUndefined();
    expect(describeModel(common).merged).toBeUndefined();
    expect(mergedHasNoBackbone('digits')).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(
        /^digits is a merged ONNX graph .* no head can be trained on it; load the bundle/,
      ),
    });
  });
});

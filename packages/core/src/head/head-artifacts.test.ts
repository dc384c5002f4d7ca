import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { initTfjs } from '../node/head/tfjs-backend.ts';
import { standardizerFromBytes, standardizerToBytes } from './feature-standardizer.ts';
import { HEAD_WEIGHTS_FILE, loadHeadArtifacts, saveHeadArtifacts, weightPathsOf } from './head-artifacts.ts';
import { parseHeadSpec } from './head-spec.ts';
import { predictProbabilities, topK } from './predict-head.ts';
import { syntheticClusters } from './synthetic-clusters.ts';
import { trainHead } from './train-head.ts';

beforeAll(async () => {
  await initTfjs({ backend: 'wasm' });
});

const data = syntheticClusters({ numClasses: 3, dim: 12, perClass: 40, seed: 4, offset: 10 });

async function trained() {
  return trainHead({ train: data, spec: parseHeadSpec({ value: 'mlp:16@0.1' }), numClasses: 3, epochs: 2 });
}

describe('head artifacts', () => {
  it('round-trips a trained head to the same probabilities', async () => {
    const head = await trained();
    const artifacts = await saveHeadArtifacts({ model: head.model });
    expect(artifacts.modelJson.format).toBe('layers-model');
    expect(weightPathsOf(artifacts.modelJson)).toEqual([HEAD_WEIGHTS_FILE]);
    expect(artifacts.weightsBin.byteLength).toBe(4 * (12 * 16 + 16 + 16 * 3 + 3));
    const json = JSON.parse(JSON.stringify(artifacts.modelJson)) as unknown;
    const model = await loadHeadArtifacts({ modelJson: json, weightsBin: artifacts.weightsBin });
    const standardizer = standardizerFromBytes({ bytes: standardizerToBytes(head.standardizer!), dim: 12 });
    expect(standardizer).toEqual(head.standardizer);
    const before = await predictProbabilities({ head, features: data.features, count: 120 });
    const after = await predictProbabilities({
      head: { model, standardizer },
      features: data.features,
      count: 120,
    });
    expect(Array.from(after)).toEqual(Array.from(before));
    head.model.dispose();
    model.dispose();
  });

  it('writes model.json that stock tf.js loads over HTTP', async () => {
    const head = await trained();
    const { modelJson, weightsBin } = await saveHeadArtifacts({ model: head.model });
    const files: Record<string, Uint8Array> = {
      'https://example.test/head/model.json': new TextEncoder().encode(JSON.stringify(modelJson)),
      [`https://example.test/head/${HEAD_WEIGHTS_FILE}`]: weightsBin,
    };
    const fetchFunc = async (input: RequestInfo | URL) => {
      const body = files[String(input)];
      return new Response(body ? new Uint8Array(body) : null, { status: body ? 200 : 404 });
    };
    const model = await tfl.loadLayersModel(
      tf.io.http('https://example.test/head/model.json', { fetchFunc }),
    );
    const x = tf.tensor2d(data.features.slice(0, 24), [2, 12]);
    const a = head.model.predict(x) as tf.Tensor;
    const b = model.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    head.model.dispose();
    model.dispose();
  });

  it('rejects what is not a layers model', async () => {
    for (const modelJson of [null, {}, { modelTopology: {}, weightsManifest: 'x' }]) {
      const error = await loadHeadArtifacts({ modelJson, weightsBin: new Uint8Array() }).catch(
        (e: unknown) => e,
      );
      expect(isHeadstartError(error, 'BUNDLE_INVALID')).toBe(true);
    }
    const head = await trained();
    const { modelJson, weightsBin } = await saveHeadArtifacts({ model: head.model });
    const truncated = await loadHeadArtifacts({ modelJson, weightsBin: weightsBin.subarray(0, 40) }).catch(
      (e) => e,
    );
    expect(isHeadstartError(truncated, 'BUNDLE_INVALID')).toBe(true);
    head.model.dispose();
  });

  it('checks standardizer bytes', () => {
    expect(() => standardizerFromBytes({ bytes: new Uint8Array(12) })).toThrow('not a whole number');
    const bytes = standardizerToBytes({ mean: new Float32Array([1, 2]), std: new Float32Array([3, 4]) });
    expect(Array.from(new Float32Array(bytes.buffer))).toEqual([1, 2, 3, 4]);
    expect(() => standardizerFromBytes({ bytes, dim: 3 })).toThrow(
      'Standardizer has 2 features but the head expects 3.',
    );
    const zeroStd = standardizerToBytes({ mean: new Float32Array([1]), std: new Float32Array([0]) });
    expect(() => standardizerFromBytes({ bytes: zeroStd })).toThrow('std 0');
  });
});

describe('topK', () => {
  it('ranks one row of a probability matrix', () => {
    const probabilities = new Float32Array([0.1, 0.6, 0.3, 0.25, 0.25, 0.5]);
    const labels = ['cat', 'dog', 'owl'];
    expect(topK({ probabilities, labels, k: 2 })).toEqual([
      { label: 'dog', index: 1, probability: expect.closeTo(0.6, 6) },
      { label: 'owl', index: 2, probability: expect.closeTo(0.3, 6) },
    ]);
    expect(topK({ probabilities, labels, k: 5, row: 1 }).map((r) => r.label)).toEqual(['owl', 'cat', 'dog']);
    expect(() => topK({ probabilities, labels, k: 1, row: 2 })).toThrow('Row 2 is outside');
  });
});
